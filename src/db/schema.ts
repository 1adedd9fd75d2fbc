import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'
import type { RecordingFormat } from '../bbb/recording.ts'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string, string>

export interface RecordingsTable {
  id: Generated<number>
  source: string
  record_id: string
  meeting_id: string
  internal_meeting_id: string
  name: string
  meeting_name: string
  is_breakout: boolean
  parent_meeting_id: string | null
  published: boolean
  state: string
  start_time: Timestamp
  end_time: Timestamp | null
  duration_seconds: number
  participants: number | null
  metadata: Json<Record<string, string>>
  formats: Json<RecordingFormat[]>
  /** Fingerprint of the recording's XML (tokens aside) when last stored: same bytes, same data. */
  fingerprint: string
  first_seen_at: Timestamp
  last_seen_at: Timestamp
  missing_since: Timestamp | null
  last_sync_run_id: number | null
}

export interface SyncRunsTable {
  id: Generated<number>
  source: string
  started_at: Generated<Date>
  finished_at: Timestamp | null
  dry: boolean
  status: Generated<'running' | 'succeeded' | 'failed'>
  listing: string | null
  complete: Generated<boolean>
  listed_count: Generated<number>
  new_count: Generated<number>
  updated_count: Generated<number>
  unchanged_count: Generated<number>
  missing_count: Generated<number>
  invalid_count: Generated<number>
  invalid: Json<Array<{ recordId: string | null; reason: string }>>
  options: Json<Record<string, unknown>>
  error: string | null
}

export interface DB {
  recordings: RecordingsTable
  sync_runs: SyncRunsTable
}

export type RecordingRow = Selectable<RecordingsTable>
export type NewRecordingRow = Insertable<RecordingsTable>
export type SyncRunRow = Selectable<SyncRunsTable>
