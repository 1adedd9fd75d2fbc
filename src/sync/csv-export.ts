import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { stringify, type Stringifier } from 'csv-stringify'
import type { Recording } from '../bbb/recording.ts'
import { sourceUrl } from '../bbb/playback-url.ts'

/** Pod's migrate_bbb_recordings CSV columns, in its order. */
export const podCsvColumns = [
  'meeting_name', 'recording_name', 'start_date', 'origin', 'origin_server_name', 'origin_version',
  'origin_context', 'origin_id', 'origin_label', 'description', 'published', 'state', 'source_url',
] as const

/** YYYY-MM-DD in the service's time zone, as Pod writes it. */
function localDate(date: Date): string {
  return date.toLocaleDateString('sv-SE')
}

export function podCsvRow(r: Recording, playback23: boolean): string[] {
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
  close(): Promise<void>
}

/** Streams rows to `file` (`;` separated, quoted where needed), like Pod's out.csv. */
export function openCsvExport(file: string): CsvExport {
  const out = createWriteStream(file)
  const csv: Stringifier = stringify({ delimiter: ';', header: true, columns: [...podCsvColumns], quoted_match: /[\r\n]/ })
  csv.pipe(out)
  return {
    async write(recordings, playback23) {
      for (const r of recordings) {
        if (!csv.write(podCsvRow(r, playback23))) await once(csv, 'drain')
      }
    },
    async close() {
      csv.end()
      await once(out, 'finish')
    },
  }
}
