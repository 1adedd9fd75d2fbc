import { sql } from 'kysely'
import type { Database } from '../db/database.ts'
import type { NewRecordingRow } from '../db/schema.ts'

export type RecordingsRepository = ReturnType<typeof createRecordingsRepository>

export interface RecordingFilter {
  source?: string
  state?: string
  missing?: boolean
  orphaned?: boolean
  q?: string
  limit: number
  offset: number
}

export function createRecordingsRepository(db: Database) {
  return {
    /** What the database knows of these recordings, to tell new, changed and unchanged apart. */
    async findHashes(source: string, recordIds: string[]) {
      if (!recordIds.length) return []
      return db
        .selectFrom('recordings')
        .select(['record_id', 'fingerprint', 'missing_since'])
        .where('source', '=', source)
        .where('record_id', '=', sql<string>`any(${recordIds}::text[])`)
        .execute()
    },

    /** Inserts or replaces recordings; a recording seen again is no longer missing. */
    async upsert(rows: NewRecordingRow[]) {
      if (!rows.length) return
      await db
        .insertInto('recordings')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['source', 'record_id']).doUpdateSet((eb) => ({
            meeting_id: eb.ref('excluded.meeting_id'),
            internal_meeting_id: eb.ref('excluded.internal_meeting_id'),
            name: eb.ref('excluded.name'),
            meeting_name: eb.ref('excluded.meeting_name'),
            is_breakout: eb.ref('excluded.is_breakout'),
            parent_meeting_id: eb.ref('excluded.parent_meeting_id'),
            published: eb.ref('excluded.published'),
            state: eb.ref('excluded.state'),
            start_time: eb.ref('excluded.start_time'),
            end_time: eb.ref('excluded.end_time'),
            duration_seconds: eb.ref('excluded.duration_seconds'),
            participants: eb.ref('excluded.participants'),
            metadata: eb.ref('excluded.metadata'),
            formats: eb.ref('excluded.formats'),
            fingerprint: eb.ref('excluded.fingerprint'),
            last_seen_at: eb.ref('excluded.last_seen_at'),
            last_sync_run_id: eb.ref('excluded.last_sync_run_id'),
            missing_since: null,
          })),
        )
        .execute()
    },

    /** Records that unchanged recordings were seen by this run. */
    async touch(source: string, recordIds: string[], runId: number, now: Date) {
      if (!recordIds.length) return
      await db
        .updateTable('recordings')
        .set({ last_seen_at: now, last_sync_run_id: runId })
        .where('source', '=', source)
        .where('record_id', '=', sql<string>`any(${recordIds}::text[])`)
        .execute()
    },

    /** Marks missing what this run did not see (within `scope` when given); returns how many. */
    async markMissing(source: string, runId: number, now: Date, scope?: string[]) {
      let query = db
        .updateTable('recordings')
        .set({ missing_since: now })
        .where('source', '=', source)
        .where('missing_since', 'is', null)
        .where((eb) => eb.or([eb('last_sync_run_id', 'is', null), eb('last_sync_run_id', '!=', runId)]))
      if (scope) query = query.where('record_id', '=', sql<string>`any(${scope}::text[])`)
      const result = await query.executeTakeFirst()
      return Number(result.numUpdatedRows)
    },

    /** Fresh statistics: without them the planner scans a whole source for each batch lookup. */
    async analyze() {
      await sql`ANALYZE recordings`.execute(db)
    },

    async presentRecordIds(source: string) {
      const rows = await db.selectFrom('recordings').select('record_id').where('source', '=', source).where('missing_since', 'is', null).execute()
      return rows.map((r) => r.record_id)
    },

    async countPresent(source: string) {
      const row = await db
        .selectFrom('recordings')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('source', '=', source)
        .where('missing_since', 'is', null)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async list(filter: RecordingFilter) {
      let query = db.selectFrom('recordings')
      if (filter.source) query = query.where('source', '=', filter.source)
      if (filter.state) query = query.where('state', '=', filter.state)
      if (filter.missing !== undefined) query = query.where('missing_since', filter.missing ? 'is not' : 'is', null)
      if (filter.orphaned !== undefined) query = query.where('orphaned', '=', filter.orphaned)
      if (filter.q) {
        const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
        query = query.where((eb) => eb.or([eb('name', 'ilike', like), eb('record_id', 'ilike', like), eb('meeting_id', 'ilike', like), eb('meeting_name', 'ilike', like)]))
      }
      const [rows, count] = await Promise.all([
        query.selectAll().orderBy('start_time', 'desc').orderBy('record_id').limit(filter.limit).offset(filter.offset).execute(),
        query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      ])
      return { total: Number(count.n), rows }
    },
  }
}
