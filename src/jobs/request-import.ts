import type { ImportRow } from '../db/schema.ts'
import type { ImportsRepository } from './imports-repository.ts'

export interface RequestImportDeps {
  imports: ImportsRepository
  /** Hands a new import to the job queue. */
  enqueue?: (importId: number) => Promise<void>
}

/**
 * A new `queued` import of the recording, with its job; or, when the recording already has a live
 * or done import, that one (`created: false`): the database decides, so concurrent asks make one.
 */
export async function requestImport(deps: RequestImportDeps, recordingId: number, userId: number,
  options: { plainClaim?: boolean } = {}): Promise<{ created: boolean; import: ImportRow }> {
  const created = await deps.imports.request(recordingId, userId, options)
  if (!created) return { created: false, import: (await deps.imports.liveOf(recordingId))! }
  // A queue that cannot be reached now loses nothing: the row waits for the workers' sweep.
  await deps.enqueue?.(created.id).catch(() => {})
  return { created: true, import: created }
}
