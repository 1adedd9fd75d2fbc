import { face } from './fonts.ts'
import { pollBar, type ChatItem } from './chat.ts'
import { textSvg } from './tldraw/text.ts'

/**
 * The chat column, drawn as bbb-playback draws its chat (src/components/chat/messages/*): per
 * message an avatar with the writer's first two letters (a circle, a square for moderators) in
 * one of 16 colours picked by a hash of the name, the name in bold, the time into the recording,
 * the text; a poll's result as the player writes it (a line per answer with its bar and
 * percentage). Only what was written by then shows, the newest at the bottom.
 */
const AVATARS = [
  [123, 31, 162], [106, 27, 154], [74, 20, 140], [94, 53, 177], [81, 45, 168], [69, 39, 160], [49, 27, 146], [57, 73, 171],
  [48, 63, 159], [40, 53, 147], [26, 35, 126], [25, 118, 210], [21, 101, 192], [13, 71, 161], [2, 119, 189], [1, 87, 155],
]
const TEXT = '#333333', GREY = '#d4d9df'

/** The player's string-hash: from the last character, h × 33 xor the code. */
export function stringHash(s: string): number {
  let h = 5381
  for (let i = s.length - 1; i >= 0; i--) h = (h * 33) ^ s.charCodeAt(i)
  return h >>> 0
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const clock = (t: number) => `${Math.floor(t / 3600)}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(t % 60)).padStart(2, '0')}`
const LABELS = { fr: { title: 'Discussion', poll: 'Résultat du sondage', question: 'Question', options: 'Options' }, en: { title: 'Chat', poll: 'Poll result', question: 'Question', options: 'Options' } }

interface Block {
  height: number
  svg(y: number): string
}

function messageBlock(item: Extract<ChatItem, { kind: 'message' }>, width: number, k: number): Block {
  const sans = face('dejavu')
  const size = 13 * k, pad = 10 * k, avatar = 28 * k
  const textX = pad + avatar + 8 * k, textWidth = width - textX - pad
  const body = (y: number) => textSvg({ text: item.text, face: sans, size, lineHeight: 1.35, align: 'start', x: textX, y, wrap: textWidth, fill: TEXT })
  const height = Math.max(avatar, 18 * k + body(0).height) + pad
  const initials = item.name.slice(0, 2).toLowerCase().trim()
  const [r, g, b] = AVATARS[stringHash(item.name) % 16]!
  return {
    height,
    svg: (y) => {
      const shape = item.moderator ? `<rect x="${pad}" y="${y}" width="${avatar}" height="${avatar}" rx="${3 * k}"` : `<circle cx="${pad + avatar / 2}" cy="${y + avatar / 2}" r="${avatar / 2}"`
      const letters = `<text x="${pad + avatar / 2}" y="${y + avatar / 2 + 4 * k}" font-family="DejaVu Sans" font-size="${11 * k}" fill="#ffffff" text-anchor="middle">${esc(initials.charAt(0).toUpperCase() + initials.slice(1))}</text>`
      const name = `<text x="${textX}" y="${y + 12 * k}" font-family="DejaVu Sans" font-weight="bold" font-size="${size}" fill="${TEXT}">${esc(item.name)}<tspan font-weight="normal" font-size="${10 * k}" fill="#777777" dx="${6 * k}">${clock(item.t)}</tspan></text>`
      return `${shape} fill="rgb(${r},${g},${b})"/>${letters}${name}${body(y + 17 * k).svg.replace(/<text /g, item.emphasized ? '<text font-weight="bold" ' : '<text ')}`
    },
  }
}

function pollBlock(item: Extract<ChatItem, { kind: 'poll' }>, width: number, k: number, lang: keyof typeof LABELS): Block {
  const sans = face('dejavu')
  const size = 12 * k, pad = 10 * k, avatar = 28 * k
  const x = pad + avatar + 8 * k, inner = width - x - pad
  const lines: string[] = []
  if (item.question) lines.push(`${LABELS[lang].question}${lang === 'fr' ? ' : ' : ': '}${item.question}`)
  for (const a of item.answers) {
    const { percent, bar } = pollBar(a.votes, item.responders)
    lines.push(`${a.n}: ${a.votes} ${bar} ${percent}%`)
  }
  lines.push(LABELS[lang].options, ...item.answers.map((a) => `${a.n}: ${a.key}`))
  const box = (y: number) => textSvg({ text: lines.join('\n'), face: sans, size, lineHeight: 1.35, align: 'start', x: x + 6 * k, y, wrap: inner - 12 * k, fill: TEXT })
  const boxHeight = box(0).height + 12 * k
  return {
    height: 18 * k + boxHeight + pad,
    svg: (y) => `<rect x="${pad}" y="${y}" width="${avatar}" height="${avatar}" rx="${3 * k}" fill="rgb(15,112,215)"/><text x="${pad + avatar / 2}" y="${y + avatar / 2 + 5 * k}" font-family="DejaVu Sans" font-weight="bold" font-size="${14 * k}" fill="#ffffff" text-anchor="middle">▮</text>` +
      `<text x="${x}" y="${y + 12 * k}" font-family="DejaVu Sans" font-weight="bold" font-size="${13 * k}" fill="${TEXT}">${LABELS[lang].poll}<tspan font-weight="normal" font-size="${10 * k}" fill="#777777" dx="${6 * k}">${clock(item.t)}</tspan></text>` +
      `<rect x="${x}" y="${y + 18 * k}" width="${inner}" height="${boxHeight}" fill="${GREY}"/>${box(y + 24 * k).svg}`,
  }
}

/**
 * The column as an SVG of `width` × `height`: a title bar at `top` (the cameras' place above it),
 * then the first `count` items, the newest at the bottom, older ones scrolled off the top.
 */
export function chatPanelSvg(items: ChatItem[], count: number, area: { width: number; height: number; top: number }, lang: 'fr' | 'en' = 'fr'): string {
  const k = area.width / 320
  const bar = 28 * k
  const blocks = items.slice(0, count).map((i) => (i.kind === 'message' ? messageBlock(i, area.width, k) : pollBlock(i, area.width, k, lang)))
  let y = area.height - 6 * k
  const drawn: string[] = []
  for (let i = blocks.length - 1; i >= 0 && y > area.top + bar; i--) {
    y -= blocks[i]!.height
    drawn.push(blocks[i]!.svg(y))
  }
  const clip = `<clipPath id="chat-list"><rect x="0" y="${area.top + bar}" width="${area.width}" height="${area.height - area.top - bar}"/></clipPath>`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${area.width}" height="${area.height}"><rect width="${area.width}" height="${area.height}" fill="#ffffff"/>` +
    `<rect y="${area.top}" width="${area.width}" height="${bar}" fill="${GREY}"/><text x="${10 * k}" y="${area.top + 19 * k}" font-family="DejaVu Sans" font-weight="bold" font-size="${13 * k}" fill="${TEXT}">${LABELS[lang].title}</text>` +
    `<defs>${clip}</defs><g clip-path="url(#chat-list)">${drawn.reverse().join('')}</g></svg>`
}
