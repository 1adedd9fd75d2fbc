import { XMLParser } from 'fast-xml-parser'
import { declaresEntities } from '../xml.ts'

/**
 * The public chat (slides_new.xml) and the published polls (polls.json) of a presentation, as
 * BBB's presentation.rb writes them and bbb-playback reads them (src/utils/builder.js buildChat,
 * buildPolls): one timeline of items in the order they appeared.
 */
export type ChatItem =
  | { kind: 'message'; t: number; name: string; moderator: boolean; emphasized: boolean; text: string }
  | { kind: 'poll'; t: number; question: string; answers: Array<{ n: number; key: string; votes: number }>; responders: number }

export type ChatMode = 'none' | 'panel' | 'anonymous'
export const chatModes: ChatMode[] = ['none', 'panel', 'anonymous']

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: false, processEntities: true, htmlEntities: true, isArray: (name) => name === 'chattimeline' })

/** BBB escapes the message as HTML before XML: the player decodes these five once more. */
const decodeHtml = (s: string) =>
  s.replace(/<a href="([^"]*)" rel="nofollow"><u>\1<\/u><\/a>/g, '$1').replace(/<[^>]+>/g, '')
    .replace(/&(quot|amp|apos|lt|gt|#34|#38|#39|#60|#62);/g, (_, e: string) => ({ quot: '"', amp: '&', apos: "'", lt: '<', gt: '>', '#34': '"', '#38': '&', '#39': "'", '#60': '<', '#62': '>' })[e]!)

export function parseChat(xml: string | null): ChatItem[] {
  if (!xml || declaresEntities(xml)) return []
  let doc: { popcorn?: { chattimeline?: Array<Record<string, string>> } }
  try {
    doc = parser.parse(xml)
  } catch {
    return []
  }
  return (doc.popcorn?.chattimeline ?? []).flatMap((c) => {
    const t = Number.parseFloat(c.in ?? '')
    if (!Number.isFinite(t) || (c.target && c.target !== 'chat')) return []
    return [{ kind: 'message' as const, t, name: String(c.name ?? ''), moderator: c.senderRole === 'MODERATOR', emphasized: c.chatEmphasizedText === 'true', text: decodeHtml(String(c.message ?? '')) }]
  })
}

export function parsePolls(json: string | null): ChatItem[] {
  if (!json) return []
  let list: unknown
  try {
    list = JSON.parse(json)
  } catch {
    return []
  }
  if (!Array.isArray(list)) return []
  return list.flatMap((p: Record<string, unknown>) => {
    const t = Number(p?.timestamp)
    if (!Number.isFinite(t) || !Array.isArray(p.answers)) return []
    // The player merges answers whose keys differ only in case, keeping their order.
    const answers: Array<{ n: number; key: string; votes: number }> = []
    for (const a of p.answers as Array<Record<string, unknown>>) {
      const key = String(a?.key ?? '')
      const same = answers.find((x) => x.key.toLowerCase() === key.toLowerCase())
      if (same) same.votes += Number(a?.numVotes) || 0
      else answers.push({ n: answers.length + 1, key, votes: Number(a?.numVotes) || 0 })
    }
    return [{ kind: 'poll' as const, t, question: String(p.question ?? ''), answers, responders: Number(p.responders) || 0 }]
  })
}

/** Chat and polls in one timeline; `anonymous` names the writers "Participant N" by first appearance. */
export function chatTimeline(messages: ChatItem[], polls: ChatItem[], mode: ChatMode): ChatItem[] {
  if (mode === 'none') return []
  const items = [...messages, ...polls].sort((a, b) => a.t - b.t)
  if (mode !== 'anonymous') return items
  const names = new Map<string, string>()
  return items.map((i) => {
    if (i.kind !== 'message') return i
    if (!names.has(i.name)) names.set(i.name, `Participant ${names.size + 1}`)
    return { ...i, name: names.get(i.name)! }
  })
}

/** The player's percentage (of those who answered) and bar: a block per 10%, a half past 2. */
export function pollBar(votes: number, responders: number): { percent: string; bar: string } {
  const percent = responders === 0 ? '0.0' : ((votes / responders) * 100).toFixed(1)
  const p = Number.parseInt(percent, 10)
  return { percent, bar: p === 0 ? '-' : `${'█'.repeat(Math.floor(p / 10))}${p % 10 > 2 ? '▌' : ''}` }
}
