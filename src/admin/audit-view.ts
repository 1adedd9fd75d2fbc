import { hasMessage, translate, type Language } from '../http/i18n.ts'
import { formatDate } from '../dates.ts'

/** One journal entry as the repository gives it: the log row and the recording it is about. */
export interface AuditRow {
  id: string
  at: Date
  actor: string
  action: string
  target_type: string
  target_id: string
  before: unknown
  after: unknown
  recording_id: number | null
  recording_name: string | null
}

type Fields = Record<string, unknown>
const fieldsOf = (value: unknown): Fields => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {})
const usernames = (value: unknown) => (Array.isArray(value) ? value.map((o) => String(fieldsOf(o).username ?? o)) : [])

/** A campaign step in words: "Annonce", "Rappel 7 jour(s) avant l'arrêt". */
export function campaignStepLabel(lang: Language, step: string): string {
  if (step === 'announcement') return translate(lang, 'campaign.announcement')
  const [, n, unit] = /^reminder-(\d+)([smhd])$/i.exec(step) ?? []
  if (!n) return step
  const offset = unit!.toLowerCase() === 'd' ? translate(lang, 'duration.days', { n }) : `${n} ${{ s: 's', m: 'min', h: 'h' }[unit!.toLowerCase() as 's' | 'm' | 'h']}`
  return translate(lang, 'campaign.reminder', { offset })
}

/** What changed, in one short line of the reader's language ("" when the action says it all). */
function changeText(lang: Language, row: AuditRow): string {
  const t = (key: string, params: Fields = {}) => translate(lang, key, params)
  const before = fieldsOf(row.before)
  const after = fieldsOf(row.after)
  const list = (names: string[]) => (names.length ? names.join(', ') : t('audit.nobody'))
  switch (row.action) {
    case 'source.sync': {
      const counts = fieldsOf(after.counts)
      return t('audit.change.source.sync', { run: after.runId, status: t(`run.${String(after.status)}`), new: counts.new ?? 0, updated: counts.updated ?? 0, missing: counts.missing ?? 0 })
    }
    case 'moodle-notice.apply':
    case 'moodle-notice.revert':
      return t('audit.change.moodle-notice', { changed: after.changed ?? 0 })
    case 'owners.assign':
    case 'owners.unassign':
      return t('audit.change.owners', { before: list(usernames(row.before)), after: list(usernames(row.after)) })
    case 'orphans.assign':
      return t('audit.change.orphans.assign', { recordings: after.recordings ?? 0, usernames: list(usernames(after.usernames)) })
    case 'recording.abandon':
      return t('audit.change.abandon', { reason: after.reason })
    case 'recording.unabandon':
      return t('audit.change.unabandon', { reason: before.reason ?? '' })
    case 'import.force':
      return t('audit.change.import.force', { import: after.importId, owner: after.for })
    case 'import.retry':
      return t('audit.change.import.retry', { import: after.importId, error: before.error ?? '' })
    case 'import.retry-all':
      return t('audit.change.import.retry-all', { retried: after.retried ?? 0 })
    case 'campaign.step':
    case 'campaign.send':
      return t('audit.change.campaign.step', { step: campaignStepLabel(lang, String(after.step)), planned: after.planned ?? 0 })
    case 'campaign.deadline':
      return t('audit.change.campaign.deadline', { fate: t(`fate.${String(after.fate)}`), waiting: after.waiting ?? 0 })
    case 'import.cancel':
      return t('audit.change.import.cancel', { state: t(`status.${String(before.state)}`) })
    default:
      return ''
  }
}

/** The filter of a bulk assignment, in words ("code du cours L1-MATH, serveur old"). */
function filterText(lang: Language, json: string): string {
  let filter: Fields
  try {
    filter = fieldsOf(JSON.parse(json))
  } catch {
    return json
  }
  return Object.entries(filter)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => translate(lang, `audit.filter.${key}`, { value: key === 'status' ? translate(lang, `settlement.${String(value)}`) : value }))
    .join(', ')
}

/** What the entry acted on, and the console page that shows it. */
function targetOf(lang: Language, row: AuditRow): { text: string; href?: string } {
  const t = (key: string, params: Fields = {}) => translate(lang, key, params)
  const recording = row.recording_id === null ? undefined : `/admin/recordings/${row.recording_id}`
  switch (row.target_type) {
    case 'recording':
      return { text: row.recording_name ?? t('audit.target.recording', { id: row.target_id }), href: recording }
    case 'import':
      return { text: row.recording_name ? t('audit.target.importOf', { id: row.target_id, name: row.recording_name }) : t('audit.target.import', { id: row.target_id }), href: recording }
    case 'source':
      return { text: t('admin.source', { source: row.target_id }) }
    case 'orphans': {
      const filter = filterText(lang, row.target_id)
      return { text: filter ? `${t('audit.target.orphans')} (${filter})` : t('audit.target.orphans'), href: '/admin/orphans' }
    }
    case 'imports':
      return { text: t('audit.target.imports'), href: '/admin/imports' }
    default:
      return { text: `${row.target_type} ${row.target_id}` }
  }
}

/** An action in words; one the catalogues do not know (written by a newer version) as its code. */
export const auditActionLabel = (lang: Language, action: string) => (hasMessage(`audit.action.${action}`) ? translate(lang, `audit.action.${action}`) : action)

/** A journal entry as people read it: when, who, the action and its change in words, the target linked. */
export function describeAuditEntry(lang: Language, timeZone: string, row: AuditRow) {
  return {
    id: row.id,
    when: formatDate(lang, row.at, timeZone),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: auditActionLabel(lang, row.action),
    target: targetOf(lang, row),
    change: changeText(lang, row),
  }
}
