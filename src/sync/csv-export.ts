import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { stringify, type Stringifier } from 'csv-stringify'
import { csvOptions } from '../csv.ts'
import type { Recording } from '../bbb/recording.ts'
import { sourceUrl } from '../bbb/playback-url.ts'

/** Pod's migrate_bbb_recordings CSV columns, in its order. */
export const podCsvColumns = [
  'meeting_name', 'recording_name', 'start_date', 'origin', 'origin_server_name', 'origin_version',
  'origin_context', 'origin_id', 'origin_label', 'description', 'published', 'state', 'source_url', 'Moodle_owners',
] as const

/** YYYY-MM-DD in the service's time zone, as Pod writes it. */
function localDate(date: Date): string {
  return date.toLocaleDateString('sv-SE')
}

export function podCsvRow(r: Pick<Recording, 'meetingName' | 'metadata' | 'startTime' | 'published' | 'state' | 'formats'>, playback23: boolean): string[] {
  const m = r.metadata
  return [
    r.meetingName,
    m['bbb-recording-name'] ?? '',
    localDate(r.startTime),
    m['bbb-origin'] ?? m['bn-origin'] ?? '',
    m['bbb-origin-server-name'] ?? '',
    m['bbb-origin-version'] ?? '',
    m['bbb-context'] ?? '',
    m['bbb-context-id'] ?? '',
    m['bbb-context-label'] ?? '',
    m['bbb-recording-description'] ?? '',
    String(r.published),
    r.state,
    sourceUrl(r.formats, playback23) ?? '',
  ]
}

export interface CsvExport {
  write(recordings: Recording[], playback23: boolean): Promise<void>
  /** Owners per recordID, known once the sync has resolved them. */
  setOwners(owners: Map<string, Array<{ username: string; displayName: string | null }>>): void
  close(): Promise<void>
}

/** Pod's owners column: `First Last (username)` entries joined by `, `. */
const ownersCell = (owners: Array<{ username: string; displayName: string | null }>) =>
  [...owners].sort((a, b) => a.username.localeCompare(b.username)).map((o) => (o.displayName ? `${o.displayName} (${o.username})` : o.username)).join(', ')

/**
 * Pod's out.csv (`;` separated, quoted where needed). Rows wait until the owners are resolved,
 * at the end of the sync, and are written on close.
 */
export function openCsvExport(file: string): CsvExport {
  const pending: Array<[recordId: string, row: string[]]> = []
  const owners = new Map<string, string>()
  return {
    async write(recordings, playback23) {
      for (const r of recordings) pending.push([r.recordId, podCsvRow(r, playback23)])
    },
    setOwners(found) {
      for (const [recordId, list] of found) owners.set(recordId, ownersCell(list))
    },
    async close() {
      const out = createWriteStream(file)
      const csv: Stringifier = stringify({ ...csvOptions, header: true, columns: [...podCsvColumns], quoted_match: /[\r\n]/ })
      csv.pipe(out)
      for (const [recordId, row] of pending) if (!csv.write([...row, owners.get(recordId) ?? ''])) await once(csv, 'drain')
      csv.end()
      await once(out, 'finish')
    },
  }
}
