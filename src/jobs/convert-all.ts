import type { Database } from '../db/database.ts'
import { createImportsRepository } from './imports-repository.ts'
import { requestImport } from './request-import.ts'

/** Who asks for imports nobody asked for (`sync --convert-all` of recordings without an owner). */
export const SYSTEM_USER = 'bbb-portal'

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
export async function queueImports(db: Database, source: string, recordIds: string[], options: { dry: boolean; enqueue?: (importId: number) => Promise<void>; plainClaim?: boolean }): Promise<ConvertAllResult> {
  const rows = recordIds.length
    ? await db.selectFrom('recordings as r')
        .leftJoin('recording_owners as o', 'o.recording_id', 'r.id')
        .leftJoin('users as u', 'u.id', 'o.user_id')
        .select(['r.id', 'r.record_id', 'u.id as user_id', 'u.username'])
        .where('r.source', '=', source).where('r.record_id', 'in', recordIds)
        .orderBy('r.start_time', 'desc').orderBy('o.created_at').orderBy('u.id')
        .execute()
    : []
  const first = new Map<string, (typeof rows)[number]>()
  for (const row of rows) if (!first.has(row.record_id)) first.set(row.record_id, row)
  const planned = [...first.values()].map((r) => ({ recordId: r.record_id, owner: r.username ?? SYSTEM_USER }))
  if (options.dry) return { planned, queued: 0, alreadyThere: 0 }

  const imports = createImportsRepository(db)
  const system = await db.insertInto('users').values({ username: SYSTEM_USER, display_name: 'bbb-recordings-portal', created_via: 'system' })
    .onConflict((oc) => oc.column('username').doUpdateSet({ updated_at: new Date() })).returning('id').executeTakeFirstOrThrow()
  let queued = 0
  let alreadyThere = 0
  for (const row of first.values()) {
    if ((await requestImport({ imports, enqueue: options.enqueue }, row.id, row.user_id ?? system.id, { plainClaim: options.plainClaim ?? true })).created) queued++
    else alreadyThere++
  }
  return { planned, queued, alreadyThere }
}
