import type { RecordingFormat } from '../bbb/recording.ts'
import { iso } from '../http/presenters.ts'
import { resultLink } from '../publish/target.ts'
import type { MyRecordingRow } from './my-recordings-repository.ts'

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
    formats: r.formats.map((f) => ({ type: f.type, url: f.url, previews: f.previews.map((p) => ({ url: p.url, width: p.width, height: p.height,
      alt: p.alt })) })),
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
