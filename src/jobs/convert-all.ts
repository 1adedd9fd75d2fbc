import type { UsersRepository } from '../owners/users-repository.ts'
import type { ImportsRepository } from './imports-repository.ts'
import { requestImport } from './request-import.ts'

/** Who asks for imports nobody asked for (`sync --convert-all` of recordings without an owner). */
const SYSTEM_USER = 'bbb-portal'

export interface ConvertAllResult {
  /** recordID → the owner the import is made for. */
  planned: Array<{ recordId: string; owner: string }>
  queued: number
  alreadyThere: number
}

/**
 * Pod's mode 1 (`--use-manual-claim`): an import for every recording of the sync's window, each
 * for its first owner (the system user for orphans). With `dry`, only what would be queued.
 * Recordings that already have an import (live or done) keep it.
 */
export async function queueImports(deps: { imports: ImportsRepository; users: Pick<UsersRepository, 'ensureUser'> }, source: string, recordIds: string[], options: { dry: boolean; enqueue?: (importId: number) => Promise<void>; plainClaim?: boolean }): Promise<ConvertAllResult> {
  const first = new Map<string, { id: number; user_id: number | null; username: string | null }>()
  for (const row of recordIds.length ? await deps.imports.ownersInOrder(source, recordIds) : []) if (!first.has(row.record_id)) first.set(row.record_id, row)
  const planned = [...first].map(([recordId, r]) => ({ recordId, owner: r.username ?? SYSTEM_USER }))
  if (options.dry) return { planned, queued: 0, alreadyThere: 0 }

  const system = await deps.users.ensureUser(SYSTEM_USER, 'system', 'bbb-recordings-portal')
  let queued = 0
  let alreadyThere = 0
  for (const row of first.values()) {
    if ((await requestImport({ imports: deps.imports, enqueue: options.enqueue }, row.id, row.user_id ?? system.id,
      { plainClaim: options.plainClaim ?? true })).created) queued++
    else alreadyThere++
  }
  return { planned, queued, alreadyThere }
}
