import { isActiveImport, type ImportRow } from '../db/schema.ts'
import { conflict, notFound } from '../errors.ts'
import type { ImportsRepository } from '../jobs/imports-repository.ts'
import { requestImport } from '../jobs/request-import.ts'
import type { MyRecordingsFilter, MyRecordingRow, createMyRecordingsRepository } from './my-recordings-repository.ts'

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
    ownsResult: (userId: number, url: string) => recordings.ownsResult(userId, url),

    /** `created` is false when an import was already live (or done): a second click makes none. */
    async requestImport(userId: number, recordingId: number): Promise<{ created: boolean; import: ImportRow }> {
      const recording = await mine(userId, recordingId)
      // An import under way or done is answered as it is, even for a recording gone since.
      const hasOne = isActiveImport(recording.import_state) || recording.import_state === 'done'
      if (recording.missing_since && !hasOne) throw conflict('This recording is no longer listed by its BBB server; it cannot be imported.', 'recording-missing')
      // Asking for an import takes back an earlier "Ne pas conserver".
      if (recording.declined_at) await recordings.setDeclined(recording.id, null)
      return requestImport({ imports, enqueue: onImportRequested }, recording.id, userId)
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
type RecordingsService = ReturnType<typeof createRecordingsService>

/** What the teacher's pages and API both work with: the service, and each source's shutdown date. */
export interface TeacherRoutesDeps {
  service: RecordingsService
  deadlines: ReadonlyMap<string, Date | undefined>
}
