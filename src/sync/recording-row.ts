import type { Recording } from '../bbb/recording.ts'
import type { RecordingWrite } from './recordings-repository.ts'

export function toRecordingRow(r: Recording, fingerprint: string, source: string, runId: number, now: Date): RecordingWrite {
  return {
    source,
    record_id: r.recordId,
    meeting_id: r.meetingId,
    internal_meeting_id: r.internalMeetingId,
    name: r.name,
    meeting_name: r.meetingName,
    is_breakout: r.isBreakout,
    parent_meeting_id: r.parentMeetingId,
    published: r.published,
    state: r.state,
    start_time: r.startTime,
    end_time: r.endTime,
    duration_seconds: r.durationSeconds,
    participants: r.participants,
    metadata: r.metadata,
    formats: r.formats,
    fingerprint,
    last_seen_at: now,
    last_sync_run_id: runId,
  }
}

/** Pod's order for --min/--max windows: newest first by startTime, then recordID. */
export function newestFirst(a: Recording, b: Recording): number {
  const byTime = b.startTime.getTime() - a.startTime.getTime()
  return byTime !== 0 ? byTime : a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0
}
