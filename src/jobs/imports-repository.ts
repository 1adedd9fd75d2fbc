import { sql } from 'kysely'
import type { Database } from '../db/database.ts'
import { activeImportStates, isActiveImport, type ImportState } from '../db/schema.ts'

export function createImportsRepository(db: Database) {
  return {
    /**
     * A new `queued` import, or undefined when the recording already has a live or done one:
     * the partial unique index decides, so concurrent requests make exactly one row.
     */
    async request(recordingId: number, userId: number, options: { plainClaim?: boolean } = {}) {
      return db.insertInto('imports').values({ recording_id: recordingId, requested_by: userId, plain_claim: options.plainClaim ?? false })
        .onConflict((oc) => oc.column('recording_id').where('state', 'not in', ['failed', 'cancelled']).doNothing())
        .returningAll().executeTakeFirst()
    },

    /** The source's recordings among `recordIds` with their owners, newest recording first and each one's first owner first. */
    ownersInOrder: (source: string, recordIds: string[]) =>
      db.selectFrom('recordings as r')
        .leftJoin('recording_owners as o', 'o.recording_id', 'r.id')
        .leftJoin('users as u', 'u.id', 'o.user_id')
        .select(['r.id', 'r.record_id', 'u.id as user_id', 'u.username'])
        .where('r.source', '=', source).where('r.record_id', 'in', recordIds)
        .orderBy('r.start_time', 'desc').orderBy('o.created_at').orderBy('u.id')
        .execute(),

    countByState: () => db.selectFrom('imports').select(['state', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('state').execute(),

    /** The live or done import of a recording. */
    async liveOf(recordingId: number) {
      return db.selectFrom('imports').selectAll().where('recording_id', '=', recordingId)
        .where('state', 'not in', ['failed', 'cancelled']).executeTakeFirst()
    },

    async get(importId: number) {
      return db.selectFrom('imports').selectAll().where('id', '=', importId).executeTakeFirst()
    },

    /**
     * Takes an import up for a run, under a lease that the run renews as it goes: back to
     * `fetching`, one more attempt. `busy` while another run holds a live lease (a second job
     * for the same import), `ended` once it is no longer under way (cancelled, done, failed).
     */
    async begin(importId: number, token: string, leaseSeconds: number) {
      const row = await db.updateTable('imports')
        .set((eb) => ({ state: 'fetching', attempts: eb('attempts', '+', 1), error: null, lease_token: token, lease_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})`, updated_at: new Date() }))
        .where('id', '=', importId).where('state', 'in', activeImportStates)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`)]))
        .returningAll().executeTakeFirst()
      if (row) return row
      const now = await db.selectFrom('imports').select('state').where('id', '=', importId).executeTakeFirst()
      return isActiveImport(now?.state) ? 'busy' : 'ended'
    },

    /**
     * Moves a run on and renews its lease; false when the run no longer holds the import
     * (cancelled, or its lease was lost): the run must stop.
     */
    async advance(importId: number, token: string, leaseSeconds: number,
      change: { state?: ImportState; progress?: number | null; pod_video_id?: string; pod_video_url?: string; pod_asked_at?: Date } = {}) {
      const result = await db.updateTable('imports').set({ ...change, lease_until: sql<Date>`now() + make_interval(secs => ${leaseSeconds})`, updated_at: new Date() })
        .where('id', '=', importId).where('lease_token', '=', token).where('state', 'in', activeImportStates).executeTakeFirst()
      return Number(result.numUpdatedRows) > 0
    },

    /** Back in line for a retry, the reason kept for the teacher to see meanwhile. */
    async requeue(importId: number, token: string, error: string) {
      await db.updateTable('imports').set({ state: 'queued', progress: null, error, lease_token: null, lease_until: null, updated_at: new Date() })
        .where('id', '=', importId).where('lease_token', '=', token).where('state', 'in', activeImportStates).execute()
    },

    async finish(importId: number, token: string, outcome: { state: 'done'; pod_video_url: string | null } | { state: 'failed'; error: string }) {
      await db.updateTable('imports').set({ ...outcome, progress: outcome.state === 'done' ? 100 : null, lease_token: null, lease_until: null, updated_at: new Date(), finished_at: new Date() })
        .where('id', '=', importId).where('lease_token', '=', token).where('state', 'in', activeImportStates).execute()
    },

    /** What a run needs to know of the recording and the teacher who asked. */
    async subject(importId: number) {
      return db.selectFrom('imports as i').innerJoin('recordings as r', 'r.id', 'i.recording_id').innerJoin('users as u', 'u.id', 'i.requested_by')
        .select(['i.id', 'i.pod_video_id', 'i.pod_asked_at', 'i.plain_claim', 'r.source', 'r.record_id', 'r.name', 'r.meeting_name', 'r.start_time', 'r.metadata', 'u.username', 'u.email', 'u.display_name'])
        .where('i.id', '=', importId).executeTakeFirst()
    },

    /** The recording's other owners (co-teachers), not the one who asked nor a fallback owner. */
    async coOwners(importId: number) {
      return db.selectFrom('imports as i').innerJoin('recording_owners as o', 'o.recording_id', 'i.recording_id').innerJoin('users as u', 'u.id', 'o.user_id')
        .select(['u.username', 'u.email', 'u.display_name'])
        .where('i.id', '=', importId).whereRef('o.user_id', '!=', 'i.requested_by').where('o.reason', '!=', 'fallback')
        .orderBy('u.username').execute()
    },

    /**
     * Imports that may need a job: asked for while the queue was unreachable (queued since before
     * `date`), or whose run's lease ran out (its worker died), with their last job's id; a page of
     * `limit` after the import `afterId`.
     */
    async orphanCandidates(date: Date, afterId: number, limit: number) {
      return db.selectFrom('imports').select(['id', 'job_id'])
        .where((eb) => eb.or([
          eb.and([eb('state', '=', 'queued'), eb('updated_at', '<', date)]),
          eb.and([eb('state', 'in', activeImportStates), eb('lease_until', '<', sql<Date>`now()`)]),
        ]))
        .where('id', '>', afterId)
        .orderBy('id').limit(limit).execute()
    },

    /** Keeps the id of the job just queued for the import. */
    async recordJob(importId: number, jobId: string) {
      await db.updateTable('imports').set({ job_id: jobId }).where('id', '=', importId).execute()
    },

    /** Cancels an import that is still under way; undefined when it already ended. */
    async cancel(importId: number) {
      return db.updateTable('imports').set({ state: 'cancelled', lease_token: null, lease_until: null, updated_at: new Date(), finished_at: new Date() })
        .where('id', '=', importId).where('state', 'in', activeImportStates).returningAll().executeTakeFirst()
    },
  }
}
export type ImportsRepository = ReturnType<typeof createImportsRepository>
