import { type Kysely, sql } from 'kysely'

// How each recording's owners were found, in a narrow table of its own. As columns of
// `recordings`, the first owner resolution of a big source rewrote every wide row (metadata,
// formats) and all its index entries to change these few values; here it writes small rows.
// No foreign key to `recordings`, here or from `recording_owners`: recordings are never
// deleted, the owner resolution writes ids it has just read from them, and an admin's
// assignment checks its recording first (404); a key would look each row's recording up again
// while a big source's owners are written.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE recording_ownership (
      recording_id       integer PRIMARY KEY,
      owner_match        text NOT NULL,
      orphaned           boolean NOT NULL,
      moodle_activity_id bigint,
      moodle_course_id   bigint,
      checked_at         timestamptz NOT NULL
    )`.execute(db)
  await sql`
    INSERT INTO recording_ownership (recording_id, owner_match, orphaned, moodle_activity_id, moodle_course_id, checked_at)
    SELECT id, owner_match, orphaned, moodle_activity_id, moodle_course_id, coalesce(owners_checked_at, now())
      FROM recordings WHERE owner_match IS NOT NULL`.execute(db)
  await sql`CREATE INDEX recording_ownership_orphaned ON recording_ownership (recording_id) WHERE orphaned`.execute(db)
  await sql`DROP INDEX recordings_orphaned`.execute(db)
  await sql`ALTER TABLE recording_owners DROP CONSTRAINT IF EXISTS recording_owners_recording_id_fkey`.execute(db)
  await sql`ALTER TABLE recordings DROP COLUMN owner_match, DROP COLUMN orphaned, DROP COLUMN moodle_activity_id, DROP COLUMN moodle_course_id, DROP COLUMN owners_checked_at`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE recording_owners ADD CONSTRAINT recording_owners_recording_id_fkey FOREIGN KEY (recording_id) REFERENCES recordings (id) ON DELETE CASCADE`.execute(db)
  await sql`
    ALTER TABLE recordings
      ADD COLUMN owner_match        text,
      ADD COLUMN orphaned           boolean NOT NULL DEFAULT false,
      ADD COLUMN moodle_activity_id bigint,
      ADD COLUMN moodle_course_id   bigint,
      ADD COLUMN owners_checked_at  timestamptz`.execute(db)
  await sql`
    UPDATE recordings r SET owner_match = o.owner_match, orphaned = o.orphaned, moodle_activity_id = o.moodle_activity_id,
                            moodle_course_id = o.moodle_course_id, owners_checked_at = o.checked_at
      FROM recording_ownership o WHERE o.recording_id = r.id`.execute(db)
  await sql`CREATE INDEX recordings_orphaned ON recordings (source) WHERE orphaned`.execute(db)
  await sql`DROP TABLE recording_ownership`.execute(db)
}
