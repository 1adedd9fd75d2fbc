import { isActiveImport } from '../db/schema.ts'
import type { MyRecordingRow } from './my-recordings-repository.ts'
import { translate, type Language } from '../http/i18n.ts'
import { playbackUrlOf } from './presenter.ts'
import { resultLink } from '../publish/target.ts'

/** The status badge's words, shared by the page and its live updates. */
function statusLabel(lang: Language, r: Pick<MyRecordingRow, 'status' | 'import_progress' | 'import_attempts'>): string {
  // A queued import that already failed once waits for its retry in the queue.
  if (r.status === 'queued' && (r.import_attempts ?? 0) > 0) return translate(lang, 'status.waiting')
  if (r.status === 'converting' && r.import_progress !== null) return translate(lang, 'status.convertingAt', { progress: r.import_progress })
  return translate(lang, `status.${r.status}`)
}

/** One row of "Mes vidéos externes": what to show and which actions make sense now. */
export function recordingView(lang: Language, r: MyRecordingRow) {
  const missing = r.missing_since !== null
  const preview = r.formats.flatMap((f) => f.previews).slice(0, 3)
  return {
    id: r.id,
    name: r.name || r.meeting_name,
    course: r.course,
    startTime: r.start_time,
    durationSeconds: r.duration_seconds,
    formats: r.formats.map((f) => f.type),
    previews: preview,
    playbackUrl: playbackUrlOf(r.formats),
    status: r.status,
    statusLabel: statusLabel(lang, r),
    live: isActiveImport(r.status),
    progress: r.status === 'converting' ? r.import_progress ?? 0 : null,
    error: r.status === 'failed' ? r.import_error : null,
    missing,
    importId: r.import_id,
    /** Where the imported video is: Pod's page, Pod's claim list, or the portal's download. */
    result: r.status === 'done' ? resultLink(r.pod_video_url, '') : null,
    canImport: !missing && ['pending', 'declined'].includes(r.status),
    canRetry: !missing && r.status === 'failed',
    canDecline: ['pending', 'failed'].includes(r.status),
    canUndecline: r.status === 'declined',
    canCancel: isActiveImport(r.status),
  }
}
