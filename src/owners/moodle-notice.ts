import type { Kysely } from 'kysely'
import type { SourceConfig } from '../config.ts'
import type { DB } from '../db/schema.ts'
import type { OwnersRepository } from './owners-repository.ts'
import type { MoodleRepository } from '../moodle/moodle-repository.ts'

export const DEFAULT_NOTICE = '<p><strong>Les enregistrements de cette activité seront supprimés le {deadline}</strong> avec l\'ancien serveur BigBlueButton. Pour garder les vôtres, choisissez-les sur <a href="{portalUrl}">{portalUrl}</a> : ils seront importés dans Pod.</p>'

const start = (source: string) => `<!-- bbb-portal-notice:${source} -->`
const END = '<!-- /bbb-portal-notice -->'

/** The notice block, between markers that make applying idempotent and reverting exact. */
function noticeBlock(template: string, source: string, values: { deadline: string; portalUrl: string }): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
  const body = template.replaceAll('{deadline}', escape(values.deadline)).replaceAll('{portalUrl}', escape(values.portalUrl))
  return `${start(source)}${body}${END}`
}

function stripNotice(intro: string, source: string): string {
  const from = intro.indexOf(start(source))
  if (from < 0) return intro
  const to = intro.indexOf(END, from)
  return to < 0 ? intro : intro.slice(0, from) + intro.slice(to + END.length)
}

export interface NoticeChange {
  moodle: string
  activityId: number
  action: 'apply' | 'revert' | 'skip'
  reason?: string
  before: string | null
  after: string | null
}

export interface NoticeDeps {
  db: Kysely<DB>
  owners: Pick<OwnersRepository, 'recordingsOf'>
  moodleFor(serverName: string): { name: string; repo: MoodleRepository } | undefined
  template: string
  portalUrl: string
}

const frenchDate = (d: Date | undefined) => (d ? d.toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' }) : 'la fermeture du serveur')

/** Activities of the source's Moodle-made recordings, by Moodle database. */
async function activitiesOf(deps: NoticeDeps, source: string) {
  const byMoodle = new Map<string, { repo: MoodleRepository; ids: Set<number> }>()
  for (const r of await deps.owners.recordingsOf(source)) {
    const moodle = r.moodle_activity_id === null ? undefined : deps.moodleFor((r.metadata['bbb-origin-server-name'] ?? '').trim())
    if (!moodle) continue
    const entry = byMoodle.get(moodle.name) ?? { repo: moodle.repo, ids: new Set<number>() }
    entry.ids.add(Number(r.moodle_activity_id))
    byMoodle.set(moodle.name, entry)
  }
  return byMoodle
}

/**
 * Appends the notice to the intro of every Moodle activity that has recordings on the old
 * server. Each previous intro is kept in our database first, so `revert` gives it back byte
 * for byte; an intro edited since keeps the edit and loses only the notice.
 */
export async function applyMoodleNotice(deps: NoticeDeps, source: SourceConfig, options: { dry?: boolean } = {}): Promise<NoticeChange[]> {
  const block = noticeBlock(deps.template, source.name, { deadline: frenchDate(source.shutdownAt), portalUrl: deps.portalUrl })
  const changes: NoticeChange[] = []
  for (const [moodle, { repo, ids }] of await activitiesOf(deps, source.name)) {
    for (const { id, intro } of await repo.intros([...ids])) {
      const activityId = Number(id)
      if (intro?.includes(start(source.name))) {
        changes.push({ moodle, activityId, action: 'skip', reason: 'the notice is already there', before: intro, after: intro })
        continue
      }
      const after = `${intro ?? ''}${block}`
      changes.push({ moodle, activityId, action: 'apply', before: intro, after })
      if (options.dry) continue
      await deps.db.insertInto('moodle_notices').values({ source: source.name, moodle, activity_id: activityId, previous_intro: intro, applied_intro: after, reverted_at: null })
        .onConflict((oc) => oc.columns(['source', 'moodle', 'activity_id']).doUpdateSet({ previous_intro: intro, applied_intro: after, applied_at: new Date(), reverted_at: null })).execute()
      if (await repo.setIntro(activityId, intro, after)) continue
      // Someone edited the intro between our read and our write: nothing changed, nothing to revert.
      Object.assign(changes.at(-1)!, { action: 'skip', reason: 'the intro changed while we wrote it; run again', after: null })
      await deps.db.deleteFrom('moodle_notices').where('source', '=', source.name).where('moodle', '=', moodle).where('activity_id', '=', activityId).execute()
    }
  }
  return changes
}

export async function revertMoodleNotice(deps: NoticeDeps, source: SourceConfig, options: { dry?: boolean } = {}): Promise<NoticeChange[]> {
  const applied = await deps.db.selectFrom('moodle_notices').selectAll().where('source', '=', source.name).where('reverted_at', 'is', null).execute()
  const changes: NoticeChange[] = []
  for (const notice of applied) {
    // `moodle` is the configured name moodleFor() chose when applying.
    const repo = deps.moodleFor(notice.moodle === 'default' ? '' : notice.moodle)?.repo
    if (!repo) {
      changes.push({ moodle: notice.moodle, activityId: Number(notice.activity_id), action: 'skip', reason: 'this Moodle is no longer configured', before: null, after: null })
      continue
    }
    const [current] = await repo.intros([Number(notice.activity_id)])
    const now = current?.intro ?? null
    // Untouched since: the exact old intro. Edited since: the edit stays, the notice goes.
    const after = now === notice.applied_intro ? notice.previous_intro : now === null ? null : stripNotice(now, source.name)
    changes.push({ moodle: notice.moodle, activityId: Number(notice.activity_id), action: 'revert', before: now, after })
    if (options.dry) continue
    if (current && after !== now) await repo.setIntro(Number(notice.activity_id), now, after)
    await deps.db.updateTable('moodle_notices').set({ reverted_at: new Date() })
      .where('source', '=', source.name).where('moodle', '=', notice.moodle).where('activity_id', '=', notice.activity_id).execute()
  }
  return changes
}
