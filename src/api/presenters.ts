import type { Selectable } from 'kysely'
import type { RecordingFormat } from '../bbb/recording.ts'
import type { ImportRow, OwnerReason, RecordingWithOwnership, SyncRunRow, UsersTable } from '../db/schema.ts'
import type { MyRecordingRow } from '../portal/my-recordings-repository.ts'
import { resultLink } from '../publish/target.ts'

export interface OwnerView {
  username: string
  display_name: string | null
  email: string | null
  reason: OwnerReason
  suspended: boolean
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

export function presentRecording(r: RecordingWithOwnership, owners: OwnerView[] = []) {
  return {
    id: r.id,
    source: r.source,
    recordId: r.record_id,
    meetingId: r.meeting_id,
    internalMeetingId: r.internal_meeting_id,
    name: r.name,
    meetingName: r.meeting_name,
    startTime: iso(r.start_time),
    endTime: iso(r.end_time),
    durationSeconds: r.duration_seconds,
    state: r.state,
    published: r.published,
    isBreakout: r.is_breakout,
    parentMeetingId: r.parent_meeting_id,
    participants: r.participants,
    metadata: r.metadata,
    formats: r.formats.map((f) => ({ type: f.type, url: f.url, lengthMinutes: f.lengthMinutes, size: f.size, previews: f.previews })),
    firstSeenAt: iso(r.first_seen_at),
    lastSeenAt: iso(r.last_seen_at),
    missingSince: iso(r.missing_since),
    owners: owners.map((o) => ({ username: o.username, displayName: o.display_name, email: o.email, reason: o.reason, suspended: o.suspended })),
    orphaned: r.orphaned,
    ownerMatch: r.owner_match,
  }
}

export function presentUser(u: Selectable<UsersTable>) {
  return { id: u.id, username: u.username, displayName: u.display_name, email: u.email, createdVia: u.created_via, createdAt: iso(u.created_at) }
}

export function presentSyncRun(r: SyncRunRow) {
  return {
    id: r.id,
    source: r.source,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    dry: r.dry,
    status: r.status,
    listing: r.listing,
    complete: r.complete,
    counts: {
      listed: r.listed_count, new: r.new_count, updated: r.updated_count, unchanged: r.unchanged_count,
      missing: r.missing_count, invalid: r.invalid_count,
    },
    invalid: r.invalid,
    options: r.options,
    owners: r.owners,
    error: r.error,
  }
}

export function presentImport(i: ImportRow) {
  return {
    id: i.id,
    recordingId: i.recording_id,
    state: i.state,
    progress: i.progress,
    attempts: i.attempts,
    error: i.error,
    podVideoUrl: i.pod_video_url,
    createdAt: iso(i.created_at),
    updatedAt: iso(i.updated_at),
    finishedAt: iso(i.finished_at),
  }
}

/** The link that plays a recording on its old server: the presentation player first. */
export const playbackUrlOf = (formats: RecordingFormat[]) =>
  (formats.find((f) => f.type === 'presentation') ?? formats.find((f) => f.type === 'video') ?? formats[0])?.url ?? null

export function presentMyRecording(r: MyRecordingRow, deadlines: ReadonlyMap<string, Date | undefined>, publicUrl: string) {
  const deadline = deadlines.get(r.source)
  return {
    id: r.id,
    source: r.source,
    recordId: r.record_id,
    name: r.name,
    meetingName: r.meeting_name,
    course: r.course || null,
    startTime: iso(r.start_time),
    durationSeconds: r.duration_seconds,
    formats: r.formats.map((f) => ({ type: f.type, url: f.url, previews: f.previews.map((p) => ({ url: p.url, width: p.width, height: p.height, alt: p.alt })) })),
    playbackUrl: playbackUrlOf(r.formats),
    status: r.status,
    import: r.import_id === null
      ? null
      : { id: r.import_id, state: r.import_state!, progress: r.import_progress, attempts: r.import_attempts!, error: r.import_error, podVideoUrl: r.pod_video_url, link: r.import_state === 'done' ? resultLink(r.pod_video_url, publicUrl) : null },
    declinedAt: iso(r.declined_at),
    missing: r.missing_since !== null,
    deadline: deadline ? deadline.toISOString() : null,
  }
}
