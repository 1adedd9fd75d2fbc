import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE users (
      id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      username      text NOT NULL UNIQUE CHECK (username = lower(username)),
      email         text,
      display_name  text,
      created_via   text NOT NULL,
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now()
    )`.execute(db)
  await sql`CREATE INDEX users_email ON users (lower(email))`.execute(db)

  // One row per owner of a recording, with why. Resolver rows are replaced at each sync;
  // 'admin' rows are only ever changed by an admin.
  await sql`
    CREATE TABLE recording_owners (
      recording_id  integer NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
      user_id       integer NOT NULL REFERENCES users (id),
      reason        text NOT NULL,
      suspended     boolean NOT NULL DEFAULT false,
      assigned_by   text,
      created_at    timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (recording_id, user_id)
    )`.execute(db)
  await sql`CREATE INDEX recording_owners_user ON recording_owners (user_id)`.execute(db)

  await sql`
    ALTER TABLE recordings
      ADD COLUMN owner_match        text,
      ADD COLUMN orphaned           boolean NOT NULL DEFAULT false,
      ADD COLUMN moodle_activity_id bigint,
      ADD COLUMN moodle_course_id   bigint,
      ADD COLUMN owners_checked_at  timestamptz`.execute(db)
  await sql`CREATE INDEX recordings_orphaned ON recordings (source) WHERE orphaned`.execute(db)
  await sql`ALTER TABLE sync_runs ADD COLUMN owners jsonb NOT NULL DEFAULT '{}'`.execute(db)

  // The Moodle notice: each activity's intro before and after, so a revert restores it exactly.
  await sql`
    CREATE TABLE moodle_notices (
      source          text NOT NULL,
      moodle          text NOT NULL,
      activity_id     bigint NOT NULL,
      previous_intro  text,
      applied_intro   text NOT NULL,
      applied_at      timestamptz NOT NULL DEFAULT now(),
      reverted_at     timestamptz,
      PRIMARY KEY (source, moodle, activity_id)
    )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE moodle_notices`.execute(db)
  await sql`ALTER TABLE sync_runs DROP COLUMN owners`.execute(db)
  await sql`ALTER TABLE recordings DROP COLUMN owner_match, DROP COLUMN orphaned, DROP COLUMN moodle_activity_id, DROP COLUMN moodle_course_id, DROP COLUMN owners_checked_at`.execute(db)
  await sql`DROP TABLE recording_owners`.execute(db)
  await sql`DROP TABLE users`.execute(db)
}
