import type { ColumnType, Generated, Selectable } from 'kysely'
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
  /** The metadata keys owner resolution reads, lowercased; kept by a trigger from `metadata`. */
  owner_metadata: ColumnType<Record<string, string>, never, never>
  formats: Json<RecordingFormat[]>
  /** Fingerprint of the recording's XML (tokens aside) when last stored: same bytes, same data. */
  fingerprint: string
  first_seen_at: Timestamp
  last_seen_at: Timestamp
  missing_since: Timestamp | null
  last_sync_run_id: number | null
  declined_at: Generated<Date | null>
  declined_by: Generated<number | null>
  abandoned_at: Generated<Date | null>
  abandoned_reason: Generated<string | null>
  abandoned_by: Generated<string | null>
}

export interface UsersTable {
  id: Generated<number>
  username: string
  email: string | null
  display_name: string | null
  created_via: string
  created_at: Generated<Date>
  updated_at: Generated<Date>
  last_login_at: Generated<Date | null>
}

export type OwnerReason = 'moodle-user' | 'moodle-owner' | `moodle-role:${string}` | 'greenlight-owner' | 'greenlight-shared' | 'pod-owner' | 'mapping' | 'admin' | 'fallback'

interface RecordingOwnersTable {
  recording_id: number
  user_id: number
  reason: OwnerReason
  suspended: Generated<boolean>
  assigned_by: string | null
  created_at: Generated<Date>
}

/** How a recording's owners were found; no row before the first owner resolution. */
interface RecordingOwnershipTable {
  recording_id: number
  /** `moodle:recordings`, `greenlight`, `mapping`…, `none` for orphans. */
  owner_match: string
  orphaned: boolean
  moodle_activity_id: number | null
  moodle_course_id: number | null
  checked_at: Timestamp
}

interface SyncRunsTable {
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
  owners: ColumnType<OwnersTally, string | undefined, string>
}

/** What the owner resolution of one sync did. */
export interface OwnersTally {
  checked?: number
  resolved?: number
  orphaned?: number
  /** Left as they were because a resolver failed (e.g. Moodle unreachable); retried next run. */
  unresolved?: number
  byMatch?: Record<string, number>
  errors?: string[]
}

interface MoodleNoticesTable {
  source: string
  moodle: string
  activity_id: number
  previous_intro: string | null
  applied_intro: string
  applied_at: Generated<Date>
  reverted_at: Date | null
}

interface SessionsTable {
  token_hash: string
  user_id: number
  is_admin: boolean
  auth_method: string
  cas_ticket: string | null
  created_at: Generated<Date>
  last_seen_at: Generated<Date>
  expires_at: Date
}

export const importStates = ['queued', 'fetching', 'converting', 'uploading', 'encoding', 'done', 'failed', 'cancelled'] as const
export type ImportState = (typeof importStates)[number]
/** States of an import that is still under way (one per recording at most, with `done`). */
export const activeImportStates = ['queued', 'fetching', 'converting', 'uploading', 'encoding'] as const satisfies ImportState[]
/** Whether an import (or a status named after its state) is still under way. */
export const isActiveImport = (state: string | null | undefined) => (activeImportStates as readonly string[]).includes(state ?? '')

interface ImportsTable {
  id: Generated<number>
  recording_id: number
  requested_by: number
  state: Generated<ImportState>
  progress: number | null
  attempts: Generated<number>
  error: string | null
  pod_video_id: string | null
  pod_video_url: string | null
  pod_asked_at: Date | null
  plain_claim: Generated<boolean>
  /** The import's last job in the queue (pg-boss's id). */
  job_id: Generated<string | null>
  lease_token: Generated<string | null>
  lease_until: Generated<Date | null>
  created_at: Generated<Date>
  updated_at: Generated<Date>
  finished_at: Date | null
}

interface RetiredSourcesTable {
  source: string
  retired_at: Generated<Date>
  retired_by: string
}

interface AuditLogTable {
  id: Generated<string>
  at: Generated<Date>
  actor: string
  action: string
  target_type: string
  target_id: string
  before: Json<unknown> | null
  after: Json<unknown> | null
}

interface CampaignsTable {
  source: string
  opened_at: Generated<Date>
  opened_by: string
  /** Until when one process sends the campaign's e-mails (MAIL_RATE holds for all hosts together). */
  sender_until: Date | null
}

interface CampaignStepsTable {
  source: string
  step: string
  planned_at: Generated<Date>
  recipients: Generated<number>
  /** Due together with a later step (the announcement, or a later reminder), it sent nothing. */
  superseded: Generated<boolean>
}

export type CampaignMailState = 'queued' | 'sending' | 'sent' | 'failed' | 'skipped'

interface CampaignMailsTable {
  id: Generated<number>
  source: string
  /** `announcement`, or `reminder-<offset>` (e.g. `reminder-7d`). */
  step: string
  user_id: number
  state: Generated<CampaignMailState>
  /** The SMTP server's refusal (a bounce at sending time). */
  error: string | null
  /** How many unsettled recordings the e-mail listed. */
  recordings: number | null
  planned_at: Generated<Date>
  sent_at: Date | null
}

interface CampaignUnsubscribesTable {
  source: string
  user_id: number
  at: Generated<Date>
}

interface DeadlineRunsTable {
  source: string
  fate: string
  started_at: Generated<Date>
  /** Null while the run is under way (or was cut short: the next one finishes it). */
  applied_at: Date | null
  applied_by: string
  counts: Json<Record<string, number>>
}

export interface DB {
  recordings: RecordingsTable
  sync_runs: SyncRunsTable
  users: UsersTable
  recording_owners: RecordingOwnersTable
  recording_ownership: RecordingOwnershipTable
  moodle_notices: MoodleNoticesTable
  sessions: SessionsTable
  imports: ImportsTable
  retired_sources: RetiredSourcesTable
  audit_log: AuditLogTable
  campaigns: CampaignsTable
  campaign_steps: CampaignStepsTable
  campaign_mails: CampaignMailsTable
  campaign_unsubscribes: CampaignUnsubscribesTable
  deadline_runs: DeadlineRunsTable
}

type RecordingRow = Selectable<RecordingsTable>
/** A recording as the admin API lists it: with how its owners were found. */
export type RecordingWithOwnership = RecordingRow & { orphaned: boolean; owner_match: string | null }
export type SyncRunRow = Selectable<SyncRunsTable>
export type ImportRow = Selectable<ImportsTable>
