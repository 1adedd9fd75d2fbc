import { sql, type Kysely } from 'kysely'
import type { DB, OwnerReason } from '../db/schema.ts'
import { containsPattern, forEachChunk, pageWithTotal } from '../db/query-helpers.ts'

export interface OwnerRow {
  recordingId: number
  userId: number
  reason: OwnerReason
  suspended: boolean
}

export interface RecordingOwnership {
  id: number
  ownerMatch: string
  orphaned: boolean
  moodleActivityId: number | null
  moodleCourseId: number | null
}

/** SQL of recording owners (users themselves are written by users-repository.ts); no decisions here. */
export function createOwnersRepository(db: Kysely<DB>) {
  return {
    /**
     * The source's recordings with only the metadata owners depend on, keys lowercased: a
     * fraction of the bytes, kept by the database (migration 20261122213000_owner_metadata).
     */
    recordingsOf: (source: string) =>
      db.selectFrom('recordings as r').leftJoin('recording_ownership as w', 'w.recording_id', 'r.id')
        .select(['r.id', 'r.record_id', 'r.meeting_id', 'r.owner_metadata as metadata', 'w.owner_match', 'w.orphaned', 'w.moodle_activity_id', 'w.moodle_course_id'])
        .where('r.source', '=', source).where('r.missing_since', 'is', null).orderBy('r.id').execute(),

    /** The owners a resolver gave (not an admin) to the source's recordings. */
    resolvedOwnersOf: (source: string) =>
      db.selectFrom('recording_owners as o').innerJoin('recordings as r', 'r.id', 'o.recording_id')
        .select(['o.recording_id', 'o.user_id', 'o.reason', 'o.suspended']).where('r.source', '=', source).where('o.reason', '<>', 'admin').execute(),

    removeOwners: (pairs: Array<{ recordingId: number; userId: number }>) =>
      forEachChunk(pairs, (chunk) => sql`DELETE FROM recording_owners o USING unnest(${chunk.map((p) => p.recordingId)}::int[], ${chunk.map((p) => p.userId)}::int[]) AS d(recording_id, user_id)
                   WHERE o.recording_id = d.recording_id AND o.user_id = d.user_id AND o.reason <> 'admin'`.execute(db), 5000),

    /** Adds or updates resolver-made owners; an admin's row for the same user stays as it is. */
    putOwners: (owners: OwnerRow[]) =>
      forEachChunk(owners, (chunk) => sql`
          INSERT INTO recording_owners (recording_id, user_id, reason, suspended)
          SELECT * FROM unnest(${chunk.map((o) => o.recordingId)}::int[], ${chunk.map((o) => o.userId)}::int[], ${chunk.map((o) => o.reason)}::text[], ${chunk.map((o) => o.suspended)}::bool[])
          ON CONFLICT (recording_id, user_id) DO UPDATE SET reason = EXCLUDED.reason, suspended = EXCLUDED.suspended
            WHERE recording_owners.reason <> 'admin'`.execute(db), 5000),

    setOwnership: (rows: RecordingOwnership[], now: Date) =>
      forEachChunk(rows, (chunk) => sql`
          INSERT INTO recording_ownership (recording_id, owner_match, orphaned, moodle_activity_id, moodle_course_id, checked_at)
          SELECT *, ${now}::timestamptz FROM unnest(${chunk.map((c) => c.id)}::int[], ${chunk.map((c) => c.ownerMatch)}::text[], ${chunk.map((c) => c.orphaned)}::bool[],
                                                  ${chunk.map((c) => c.moodleActivityId)}::bigint[], ${chunk.map((c) => c.moodleCourseId)}::bigint[])
          ON CONFLICT (recording_id) DO UPDATE SET owner_match = EXCLUDED.owner_match, orphaned = EXCLUDED.orphaned,
            moodle_activity_id = EXCLUDED.moodle_activity_id, moodle_course_id = EXCLUDED.moodle_course_id, checked_at = EXCLUDED.checked_at`.execute(db), 5000),

    /** Users whose username, name or e-mail contains `q`, by username. */
    async searchUsers(filter: { q?: string; limit: number; offset: number }) {
      let query = db.selectFrom('users')
      if (filter.q) {
        const like = containsPattern(filter.q)
        query = query.where((eb) => eb.or([eb('username', 'ilike', like), eb('display_name', 'ilike', like), eb('email', 'ilike', like)]))
      }
      return pageWithTotal(query, (q) => q.selectAll().orderBy('username'), filter)
    },

    /** Owners of the given recordings, for listings and exports. */
    ownersOf: (recordingIds: number[]) =>
      recordingIds.length
        ? db.selectFrom('recording_owners as o').innerJoin('users as u', 'u.id', 'o.user_id')
            .select(['o.recording_id', 'u.username', 'u.display_name', 'u.email', 'o.reason', 'o.suspended'])
            .where('o.recording_id', 'in', recordingIds).orderBy('o.recording_id').orderBy('u.username').execute()
        : Promise.resolve([]),
  }
}
export type OwnersRepository = ReturnType<typeof createOwnersRepository>
