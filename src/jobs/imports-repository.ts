import type { Database } from '../db/database.ts'
import { activeImportStates } from '../db/schema.ts'

export function createImportsRepository(db: Database) {
  return {
    /**
     * A new `queued` import, or undefined when the recording already has a live or done one:
     * the partial unique index decides, so concurrent requests make exactly one row.
     */
    async request(recordingId: number, userId: number) {
      return db.insertInto('imports').values({ recording_id: recordingId, requested_by: userId })
        .onConflict((oc) => oc.column('recording_id').where('state', 'not in', ['failed', 'cancelled']).doNothing())
        .returningAll().executeTakeFirst()
    },

    /** The live or done import of a recording. */
    async liveOf(recordingId: number) {
      return db.selectFrom('imports').selectAll().where('recording_id', '=', recordingId)
        .where('state', 'not in', ['failed', 'cancelled']).executeTakeFirst()
    },

    async get(importId: number) {
      return db.selectFrom('imports').selectAll().where('id', '=', importId).executeTakeFirst()
    },

    /** Cancels an import that is still under way; undefined when it already ended. */
    async cancel(importId: number) {
      return db.updateTable('imports').set({ state: 'cancelled', updated_at: new Date(), finished_at: new Date() })
        .where('id', '=', importId).where('state', 'in', activeImportStates).returningAll().executeTakeFirst()
    },
  }
}
export type ImportsRepository = ReturnType<typeof createImportsRepository>
