import { isActiveImport, type ImportRow } from '../db/schema.ts'
import { HttpProblem, notFound } from '../errors.ts'
import type { ImportsRepository } from '../jobs/imports-repository.ts'
import type { MyRecordingsFilter, MyRecordingRow, createMyRecordingsRepository } from './my-recordings-repository.ts'

const conflict = (detail: string, code: string) => new HttpProblem(409, 'Conflict', detail, { code })

export interface RecordingsServiceDeps {
  recordings: ReturnType<typeof createMyRecordingsRepository>
  imports: ImportsRepository
  /** Hands a new import to the job queue. */
  onImportRequested?: (importId: number) => Promise<void>
}

/**
 * What a teacher may do with the recordings they own. Another user's recording, or one that
 * does not exist, is the same 404: ids reveal nothing.
 */
export function createRecordingsService({ recordings, imports, onImportRequested }: RecordingsServiceDeps) {
  const mine = async (userId: number, recordingId: number): Promise<MyRecordingRow> => {
    const row = Number.isSafeInteger(recordingId) ? await recordings.get(userId, recordingId) : undefined
    if (!row) throw notFound('No such recording among yours.')
    return row
  }
  const myImport = async (userId: number, importId: number): Promise<ImportRow> => {
    const row = Number.isSafeInteger(importId) ? await imports.get(importId) : undefined
    if (!row || !(await recordings.get(userId, row.recording_id))) throw notFound('No such import among yours.')
    return row
  }

  return {
    list: (userId: number, filter: MyRecordingsFilter) => recordings.list(userId, filter),
    get: mine,
    courses: (userId: number) => recordings.courses(userId),
    sources: (userId: number) => recordings.sources(userId),
    getImport: myImport,

    /** `created` is false when an import was already live (or done): a second click makes none. */
    async requestImport(userId: number, recordingId: number): Promise<{ created: boolean; import: ImportRow }> {
      const recording = await mine(userId, recordingId)
      const live = await imports.liveOf(recording.id)
      if (live) return { created: false, import: live }
      if (recording.missing_since) throw conflict('This recording is no longer listed by its BBB server; it cannot be imported.', 'recording-missing')
      const created = await imports.request(recording.id, userId)
      // Asking for an import takes back an earlier "Ne pas conserver".
      if (recording.declined_at) await recordings.setDeclined(recording.id, null)
      if (created) {
        // A queue that cannot be reached now loses nothing: the row waits for the workers' sweep.
        await onImportRequested?.(created.id).catch(() => {})
        return { created: true, import: created }
      }
      return { created: false, import: (await imports.liveOf(recording.id))! }
    },

    async decline(userId: number, recordingId: number) {
      const recording = await mine(userId, recordingId)
      if (recording.import_state === 'done') throw conflict('This recording is already imported into Pod.', 'already-imported')
      if (isActiveImport(recording.import_state)) {
        throw conflict('An import of this recording is under way; cancel it first.', 'import-under-way')
      }
      if (!recording.declined_at) await recordings.setDeclined(recording.id, userId)
      return mine(userId, recordingId)
    },

    async undecline(userId: number, recordingId: number) {
      const recording = await mine(userId, recordingId)
      if (recording.declined_at) await recordings.setDeclined(recording.id, null)
      return mine(userId, recordingId)
    },

    async cancelImport(userId: number, importId: number) {
      const row = await myImport(userId, importId)
      const cancelled = await imports.cancel(row.id)
      if (!cancelled) throw conflict(`This import has already ended (${row.state}).`, 'import-ended')
      return cancelled
    },
  }
}
export type RecordingsService = ReturnType<typeof createRecordingsService>
