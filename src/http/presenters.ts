import type { ImportRow } from '../db/schema.ts'

export const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString())

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
