import type { Selectable } from 'kysely'
import type { OwnerReason, RecordingWithOwnership, SyncRunRow, UsersTable } from '../db/schema.ts'
import { iso } from '../http/presenters.ts'

/** How the admin API shows recordings, users and sync runs (see openapi.yaml). */
export interface OwnerView {
  username: string
  display_name: string | null
  email: string | null
  reason: OwnerReason
  suspended: boolean
}

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
