import type { Database } from '../db/database.ts'
import { activeImportStates, type ImportState } from '../db/schema.ts'

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

    /**
     * Takes an import up for a run: back to `fetching`, one more attempt. Undefined when it is
     * no longer under way (cancelled or finished meanwhile).
     */
    async begin(importId: number) {
      return db.updateTable('imports').set((eb) => ({ state: 'fetching', attempts: eb('attempts', '+', 1), error: null, updated_at: new Date() }))
        .where('id', '=', importId).where('state', 'in', activeImportStates).returningAll().executeTakeFirst()
    },

    /** Moves a running import on; false when it was cancelled meanwhile (the run must stop). */
    async advance(importId: number, change: { state?: ImportState; progress?: number | null; error?: string | null; pod_video_id?: string; pod_video_url?: string }) {
      const result = await db.updateTable('imports').set({ ...change, updated_at: new Date() })
        .where('id', '=', importId).where('state', 'in', activeImportStates).executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },

    async finish(importId: number, outcome: { state: 'done'; pod_video_url: string | null } | { state: 'failed'; error: string }) {
      await db.updateTable('imports').set({ ...outcome, progress: outcome.state === 'done' ? 100 : null, updated_at: new Date(), finished_at: new Date() })
        .where('id', '=', importId).where('state', 'in', activeImportStates).execute()
    },

    /** What a run needs to know of the recording and the teacher who asked. */
    async subject(importId: number) {
      return db.selectFrom('imports as i').innerJoin('recordings as r', 'r.id', 'i.recording_id').innerJoin('users as u', 'u.id', 'i.requested_by')
        .select(['i.id', 'i.pod_video_id', 'r.source', 'r.record_id', 'r.name', 'r.meeting_name', 'r.start_time', 'r.metadata', 'u.username', 'u.email', 'u.display_name'])
        .where('i.id', '=', importId).executeTakeFirst()
    },

    /** Imports waiting without a job (the queue was unreachable when they were asked for). */
    async queuedBefore(date: Date) {
      return (await db.selectFrom('imports').select('id').where('state', '=', 'queued').where('updated_at', '<', date).orderBy('id').limit(500).execute()).map((r) => r.id)
    },

    /** Cancels an import that is still under way; undefined when it already ended. */
    async cancel(importId: number) {
      return db.updateTable('imports').set({ state: 'cancelled', updated_at: new Date(), finished_at: new Date() })
        .where('id', '=', importId).where('state', 'in', activeImportStates).returningAll().executeTakeFirst()
    },
  }
}
export type ImportsRepository = ReturnType<typeof createImportsRepository>
