import { sql } from 'kysely'
import type { Database } from './database.ts'
import { activeImportStates } from './schema.ts'

/**
 * The one meaning of "orphan", for every count and list: no resolver found an owner for
 * recording `r` and no admin has given it one. A FALLBACK_OWNER does not end orphanhood (it is
 * shown beside it); an import, a decline or an abandon do not either (they are its status).
 */
export const isOrphanSql = sql<boolean>`(r.state <> 'deleted' AND EXISTS (SELECT 1 FROM recording_ownership w WHERE w.recording_id = r.id AND w.orphaned)
  AND NOT EXISTS (SELECT 1 FROM recording_owners a WHERE a.recording_id = r.id AND a.reason = 'admin'))`

/**
 * Where each recording `r` of a source stands, for the dashboard and the shutdown verdict; `li`
 * is its latest import (`latestImportSql`).
 */
export const settlementSql = sql<string>`CASE
  WHEN r.abandoned_at IS NOT NULL THEN 'abandoned'
  WHEN li.state = 'done' THEN 'imported'
  WHEN li.state IN (${sql.join([...activeImportStates])}) THEN 'inProgress'
  WHEN r.declined_at IS NOT NULL THEN 'declined'
  WHEN li.state = 'failed' THEN 'failed'
  WHEN r.missing_since IS NOT NULL THEN 'missing'
  WHEN ${isOrphanSql} THEN 'orphaned'
  ELSE 'awaiting' END`

/** What may remain when a server shuts down: imported, declined by its owner, knowingly abandoned. */
export const settledStates = ['imported', 'declined', 'abandoned'] as const

/** The latest import of recording `r`, as `li`, for raw queries that read its settlement (`latestImportOf` in Kysely's). */
export const latestImportSql = sql`LEFT JOIN LATERAL (SELECT state, pod_video_url FROM imports WHERE imports.recording_id = r.id ORDER BY id DESC LIMIT 1) li ON true`

/** The latest import of recording `r`, for Kysely's `leftJoinLateral(latestImportOf(db).select(…).as('li'), (j) => j.onTrue())`. */
export const latestImportOf = (db: Database) =>
  db.selectFrom('imports').where('imports.recording_id', '=', sql.ref<number>('r.id')).orderBy('imports.id', 'desc').limit(1)
