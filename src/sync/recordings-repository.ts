import { sql, type Selectable } from 'kysely'
import type { Database } from '../db/database.ts'
import { containsPattern, pageWithTotal } from '../db/query-helpers.ts'
import { isOrphanSql } from '../db/settlement-sql.ts'
import type { RecordingsTable } from '../db/schema.ts'

export type RecordingsRepository = ReturnType<typeof createRecordingsRepository>

const updatedColumns = ['meeting_id', 'internal_meeting_id', 'name', 'meeting_name', 'is_breakout', 'parent_meeting_id', 'published', 'state', 'start_time',
  'end_time', 'duration_seconds', 'participants', 'metadata', 'formats', 'fingerprint', 'last_seen_at', 'last_sync_run_id'] as const
const writtenColumns = ['source', 'record_id', ...updatedColumns].join(', ')

/** A recording as the sync writes it (first_seen_at is last_seen_at on insert, kept on update). */
export type RecordingWrite = Pick<Selectable<RecordingsTable>, 'source' | 'record_id' | (typeof updatedColumns)[number]>

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

    /**
     * Inserts or replaces recordings; a recording seen again is no longer missing. The batch
     * goes as one JSON parameter, read with the table's own row type: hundreds of rows of 20
     * columns as separate parameters cost more to build and send than the rows themselves.
     */
    async upsert(rows: RecordingWrite[]) {
      if (!rows.length) return
      await sql`
        INSERT INTO recordings (${sql.raw(writtenColumns)}, first_seen_at)
        SELECT ${sql.raw(writtenColumns)}, last_seen_at FROM json_populate_recordset(NULL::recordings, ${JSON.stringify(rows)}::json)
        ON CONFLICT (source, record_id) DO UPDATE SET
          ${sql.raw(updatedColumns.map((c) => `${c} = EXCLUDED.${c}`).join(', '))}, missing_since = NULL`.execute(db)
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

    /** Whether the source has any recording, present or missing. */
    async holdsAny(source: string) {
      return (await db.selectFrom('recordings').select('id').where('source', '=', source).limit(1).executeTakeFirst()) !== undefined
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

    /** Recordings with how their owners were found (none before the first owner resolution). */
    async list(filter: RecordingFilter) {
      const orphaned = isOrphanSql
      let query = db.selectFrom('recordings as r').leftJoin('recording_ownership as w', 'w.recording_id', 'r.id')
      if (filter.source) query = query.where('r.source', '=', filter.source)
      if (filter.state) query = query.where('r.state', '=', filter.state)
      if (filter.missing !== undefined) query = query.where('r.missing_since', filter.missing ? 'is not' : 'is', null)
      if (filter.orphaned !== undefined) query = query.where(orphaned, '=', filter.orphaned)
      if (filter.q) {
        const like = containsPattern(filter.q)
        query = query.where((eb) => eb.or([eb('r.name', 'ilike', like), eb('r.record_id', 'ilike', like), eb('r.meeting_id', 'ilike', like), eb('r.meeting_name', 'ilike', like)]))
      }
      return pageWithTotal(query, (q) => q.selectAll('r').select([orphaned.as('orphaned'), 'w.owner_match']).orderBy('r.start_time', 'desc').orderBy('r.record_id'), filter)
    },
  }
}
