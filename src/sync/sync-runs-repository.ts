import type { Database } from '../db/database.ts'
import { pageWithTotal } from '../db/query-helpers.ts'
import type { OwnersTally } from '../db/schema.ts'

export type SyncRunsRepository = ReturnType<typeof createSyncRunsRepository>

export interface SyncRunResult {
  status: 'succeeded' | 'failed'
  listing: string | null
  complete: boolean
  counts: { listed: number; new: number; updated: number; unchanged: number; missing: number; invalid: number }
  invalid: Array<{ recordId: string | null; reason: string }>
  error: string | null
  owners?: OwnersTally
}

export function createSyncRunsRepository(db: Database) {
  return {
    async start(source: string, dry: boolean, options: Record<string, unknown>) {
      const row = await db
        .insertInto('sync_runs')
        .values({ source, dry, options: JSON.stringify(options), invalid: '[]' })
        .returning(['id', 'started_at'])
        .executeTakeFirstOrThrow()
      return row
    },

    /** Closes runs left "running" by a process that died; call while holding the source's lock. */
    async failInterrupted(source: string) {
      await db
        .updateTable('sync_runs')
        .set({ status: 'failed', finished_at: new Date(), error: 'interrupted: the process stopped before the run ended' })
        .where('source', '=', source)
        .where('status', '=', 'running')
        .execute()
    },

    async finish(id: number, result: SyncRunResult) {
      const { counts } = result
      await db
        .updateTable('sync_runs')
        .set({
          finished_at: new Date(),
          status: result.status,
          listing: result.listing,
          complete: result.complete,
          listed_count: counts.listed,
          new_count: counts.new,
          updated_count: counts.updated,
          unchanged_count: counts.unchanged,
          missing_count: counts.missing,
          invalid_count: counts.invalid,
          invalid: JSON.stringify(result.invalid),
          owners: JSON.stringify(result.owners ?? {}),
          error: result.error,
        })
        .where('id', '=', id)
        .execute()
    },

    async list(filter: { source?: string; limit: number; offset: number }) {
      let query = db.selectFrom('sync_runs')
      if (filter.source) query = query.where('source', '=', filter.source)
      return pageWithTotal(query, (q) => q.selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc'), filter)
    },
  }
}
