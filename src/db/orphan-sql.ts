import { sql } from 'kysely'

/**
 * The one meaning of "orphan", for every count and list: no resolver found an owner for
 * recording `r` and no admin has given it one. A FALLBACK_OWNER does not end orphanhood (it is
 * shown beside it); an import, a decline or an abandon do not either (they are its status).
 */
export const isOrphanSql = sql<boolean>`(r.state <> 'deleted' AND EXISTS (SELECT 1 FROM recording_ownership w WHERE w.recording_id = r.id AND w.orphaned)
  AND NOT EXISTS (SELECT 1 FROM recording_owners a WHERE a.recording_id = r.id AND a.reason = 'admin'))`
