import { sql } from 'kysely'
import type { RecordingFormat } from '../bbb/recording.ts'
import type { Database } from '../db/database.ts'
import { containsPattern } from '../db/query-helpers.ts'
import { activeImportStates, type OwnerReason } from '../db/schema.ts'
import { isOrphanSql, latestImportOf, latestImportSql, settledStates, settlementSql } from '../db/settlement-sql.ts'

/** The statuses an orphan can have (never `awaiting`: an orphan awaits an owner, `orphaned`), and `unsettled`. */
export const orphanStatuses = ['unsettled', 'orphaned', 'inProgress', 'failed', 'missing', ...settledStates] as const

/** Recording `r`'s owners in one line, "Name (login)". */
const ownersSql = sql<string | null>`(SELECT string_agg(CASE WHEN u.display_name IS NOT NULL THEN u.display_name || ' (' || u.username || ')' ELSE u.username END, ', ' ORDER BY u.username)
  FROM recording_owners o JOIN users u ON u.id = o.user_id WHERE o.recording_id = r.id)`
/** Recording `r`'s owners with how each came (a fallback owner is shown on an orphan). */
const ownerListSql = sql<Array<{ username: string; displayName: string | null; reason: OwnerReason }>>`coalesce((SELECT json_agg(json_build_object('username', u.username, 'displayName', u.display_name, 'reason', o.reason) ORDER BY u.username)
  FROM recording_owners o JOIN users u ON u.id = o.user_id WHERE o.recording_id = r.id), '[]'::json)`

export interface OrphanFilter {
  source?: string
  contextLabel?: string
  originServer?: string
  q?: string
  status?: (typeof orphanStatuses)[number]
}

/** A line of a source's report, as the SQL below gives it. */
interface ReportRow {
  id: number
  record_id: string
  meeting_name: string
  name: string
  start_time: Date
  published: boolean
  state: string
  metadata: Record<string, string>
  formats: RecordingFormat[]
  settlement: string
  owners: string | null
  import_state: string | null
  pod_video_url: string | null
  abandoned_reason: string | null
  missing_since: Date | null
  orphan: boolean
  owners_without_email: string | null
}

export function createAdminRepository(db: Database) {
  const orphansWhere = (filter: OrphanFilter) => {
    let query = db.selectFrom('recordings as r')
      .leftJoinLateral(latestImportOf(db).select(['imports.state', 'imports.pod_video_url']).as('li'), (join) => join.onTrue())
      .where(isOrphanSql)
    if (filter.source) query = query.where('r.source', '=', filter.source)
    if (filter.contextLabel) query = query.where(sql<string>`r.metadata->>'bbb-context-label'`, '=', filter.contextLabel)
    if (filter.originServer) query = query.where(sql<string>`r.metadata->>'bbb-origin-server-name'`, '=', filter.originServer)
    if (filter.q) query = query.where('r.name', 'ilike', containsPattern(filter.q))
    if (filter.status === 'unsettled') query = query.where(settlementSql, 'not in', settledStates)
    else if (filter.status) query = query.where(settlementSql, '=', filter.status)
    return query
  }
  const countOrphans = async (filter: OrphanFilter) =>
    Number((await orphansWhere(filter).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)

  return {
    /** Counts by settlement and media seconds (all, and still to settle) of one source. */
    async settlement(source: string) {
      const { rows } = await sql<{ settlement: string; n: string; seconds: string }>`
        SELECT ${settlementSql} AS settlement, count(*) AS n, coalesce(sum(r.duration_seconds), 0) AS seconds
        FROM recordings r
        ${latestImportSql}
        WHERE r.source = ${source} AND r.state <> 'deleted'
        GROUP BY 1`.execute(db)
      return rows.map((r) => ({ settlement: r.settlement, count: Number(r.n), seconds: Number(r.seconds) }))
    },

    /** Imports of the source finished since `since` (throughput), and those waiting or running. */
    async importActivity(source: string, since: Date) {
      const row = await db.selectFrom('imports').innerJoin('recordings', 'recordings.id', 'imports.recording_id')
        .select((eb) => [
          eb.fn.count<string>('imports.id').filterWhere((w) => w.and([w('imports.state', '=', 'done'), w('imports.finished_at', '>=', since)])).as('done'),
          eb.fn.count<string>('imports.id').filterWhere('imports.state', 'in', activeImportStates).as('open'),
        ])
        .where('recordings.source', '=', source).executeTakeFirstOrThrow()
      return { doneSince: Number(row.done), open: Number(row.open) }
    },

    /** Every recording of a source for the report: what Pod's CSV has, owners, where it stands. */
    async reportRows(source: string) {
      const { rows } = await sql<ReportRow>`
        SELECT r.id, r.record_id, r.meeting_name, r.name, r.start_time, r.published, r.state, r.metadata, r.formats, ${settlementSql} AS settlement,
          ${ownersSql} AS owners, ${isOrphanSql} AS orphan,
          (SELECT string_agg(u.username, ', ' ORDER BY u.username) FROM recording_owners o JOIN users u ON u.id = o.user_id
            WHERE o.recording_id = r.id AND o.reason <> 'fallback' AND (u.email IS NULL OR u.email = '')) AS owners_without_email,
          li.state AS import_state, li.pod_video_url, r.abandoned_reason, r.missing_since
        FROM recordings r
        ${latestImportSql}
        WHERE r.source = ${source} AND r.state <> 'deleted'
        ORDER BY r.start_time DESC, r.record_id`.execute(db)
      return rows
    },

    /** The deadline's run of the source, once applied. */
    deadlineRun: (source: string) => db.selectFrom('deadline_runs').select(['applied_at', 'fate', 'counts']).where('source', '=', source).where('applied_at', 'is not', null).executeTakeFirst(),

    async retired(source: string) {
      return db.selectFrom('retired_sources').selectAll().where('source', '=', source).executeTakeFirst()
    },

    async retire(source: string, by: string) {
      await db.insertInto('retired_sources').values({ source, retired_by: by }).onConflict((oc) => oc.column('source').doNothing()).execute()
    },

    async unretire(source: string) {
      await db.deleteFrom('retired_sources').where('source', '=', source).execute()
    },

    async recording(id: number) {
      return db.selectFrom('recordings').select(['id', 'source', 'record_id', 'name', 'start_time', 'duration_seconds', 'metadata', 'missing_since', 'declined_at', 'abandoned_at', 'abandoned_reason', 'abandoned_by'])
        .where('id', '=', id).executeTakeFirst()
    },

    async ownerNames(recordingId: number) {
      const rows = await db.selectFrom('recording_owners').innerJoin('users', 'users.id', 'recording_owners.user_id')
        .select(['users.id as userId', 'users.username', 'recording_owners.reason']).where('recording_id', '=', recordingId).orderBy('users.username').execute()
      return rows
    },

    /** Owners an admin assigns: kept by every later sync (reason `admin`). */
    async assign(recordingIds: number[], userIds: number[], by: string) {
      if (!recordingIds.length || !userIds.length) return
      await sql`
        INSERT INTO recording_owners (recording_id, user_id, reason, assigned_by)
        SELECT r, u, 'admin', ${by} FROM unnest(${recordingIds}::int[]) r CROSS JOIN unnest(${userIds}::int[]) u
        ON CONFLICT (recording_id, user_id) DO UPDATE SET reason = 'admin', assigned_by = EXCLUDED.assigned_by`.execute(db)
    },

    async unassign(recordingId: number, userId: number) {
      const result = await db.deleteFrom('recording_owners').where('recording_id', '=', recordingId).where('user_id', '=', userId).executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },

    /** Orphans (no owner found, none assigned) matching a filter, for bulk assignment. */
    async orphanIds(filter: OrphanFilter) {
      return (await orphansWhere(filter).select('r.id').orderBy('r.id').limit(10_000).execute()).map((r) => r.id)
    },

    countOrphans,

    /** A page of orphans for the console, newest first. */
    async orphans(filter: OrphanFilter, limit: number, offset: number) {
      const [rows, total] = await Promise.all([
        orphansWhere(filter)
          .select(['r.id', 'r.source', 'r.name', 'r.start_time', 'r.duration_seconds', sql<string>`r.metadata->>'bbb-context-label'`.as('context_label'),
            sql<string>`r.metadata->>'bbb-origin-server-name'`.as('origin_server'), settlementSql.as('settlement'), ownerListSql.as('owners')])
          .orderBy('r.start_time', 'desc').orderBy('r.id', 'desc').limit(limit).offset(offset).execute(),
        countOrphans(filter),
      ])
      return { total, rows }
    },

    async importsOf(recordingId: number) {
      return db.selectFrom('imports as i').innerJoin('users as u', 'u.id', 'i.requested_by')
        .select(['i.id', 'i.state', 'i.progress', 'i.attempts', 'i.error', 'i.pod_video_url', 'i.created_at', 'i.finished_at', 'u.username'])
        .where('i.recording_id', '=', recordingId).orderBy('i.id', 'desc').execute()
    },

    async setAbandoned(id: number, abandoned: { reason: string; by: string } | null) {
      await db.updateTable('recordings')
        .set(abandoned ? { abandoned_at: new Date(), abandoned_reason: abandoned.reason, abandoned_by: abandoned.by } : { abandoned_at: null,
          abandoned_reason: null, abandoned_by: null })
        .where('id', '=', id).execute()
    },

    async failedImports(limit: number, offset: number) {
      return db.selectFrom('imports as i').innerJoin('recordings as r', 'r.id', 'i.recording_id').innerJoin('users as u', 'u.id', 'i.requested_by')
        .select(['i.id', 'i.recording_id', 'i.requested_by', 'i.state', 'i.error', 'i.attempts', 'i.finished_at', 'r.source', 'r.name', 'u.username'])
        .where('i.state', '=', 'failed')
        // Only the latest import of each recording: a failure already retried is history.
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('imports as later').select('later.id').whereRef('later.recording_id', '=', 'i.recording_id').whereRef('later.id', '>', 'i.id'))))
        .orderBy('i.id', 'desc').limit(limit).offset(offset).execute()
    },

    async audit(entry: { actor: string; action: string; targetType: string; targetId: string; before?: unknown; after?: unknown }) {
      await db.insertInto('audit_log').values({
        actor: entry.actor, action: entry.action, target_type: entry.targetType, target_id: entry.targetId,
        before: entry.before === undefined ? null : JSON.stringify(entry.before), after: entry.after === undefined ? null : JSON.stringify(entry.after),
      }).execute()
    },

    /** The journal, newest first, with the recording each entry is about (directly or through its import). */
    async auditLog(filter: { actor?: string; action?: string; targetType?: string; targetId?: string; limit: number; offset: number }) {
      const numericId = sql<number | null>`CASE WHEN a.target_id ~ '^[0-9]{1,9}$' THEN a.target_id::int END`
      let query = db.selectFrom('audit_log as a')
        .leftJoin('imports as i', (join) => join.on('a.target_type', '=', 'import').on('i.id', '=', numericId))
        .leftJoin('recordings as r', (join) => join.on('r.id', '=', sql<number>`coalesce(i.recording_id, CASE WHEN a.target_type = 'recording' THEN ${numericId} END)`))
        .selectAll('a').select(['r.id as recording_id', 'r.name as recording_name'])
      if (filter.actor) query = query.where('a.actor', '=', filter.actor)
      if (filter.action) query = query.where('a.action', '=', filter.action)
      if (filter.targetType) query = query.where('a.target_type', '=', filter.targetType)
      if (filter.targetId) query = query.where('a.target_id', '=', filter.targetId)
      return query.orderBy('a.id', 'desc').limit(filter.limit).offset(filter.offset).execute()
    },

    /** Every action the journal holds, for its filter. */
    async auditActions() {
      return (await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute()).map((r) => r.action)
    },
  }
}
export type AdminRepository = ReturnType<typeof createAdminRepository>
