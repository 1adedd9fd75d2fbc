import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // Server-side sessions: the cookie holds a random token, the table only its SHA-256, so a
  // leaked database does not log anyone in. Logout and CAS single logout delete the row.
  await sql`
    CREATE TABLE sessions (
      token_hash    text PRIMARY KEY,
      user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      is_admin      boolean NOT NULL DEFAULT false,
      auth_method   text NOT NULL,
      cas_ticket    text,
      created_at    timestamptz NOT NULL DEFAULT now(),
      last_seen_at  timestamptz NOT NULL DEFAULT now(),
      expires_at    timestamptz NOT NULL
    )`.execute(db)
  await sql`CREATE INDEX sessions_cas_ticket ON sessions (cas_ticket) WHERE cas_ticket IS NOT NULL`.execute(db)
  await sql`CREATE INDEX sessions_expires ON sessions (expires_at)`.execute(db)
  await sql`ALTER TABLE users ADD COLUMN last_login_at timestamptz`.execute(db)
  // "My recordings" starts from the owner rows of one user: with recording_id in the index it
  // reads no owner row at all (index-only scan).
  await sql`DROP INDEX recording_owners_user`.execute(db)
  await sql`CREATE INDEX recording_owners_user ON recording_owners (user_id, recording_id)`.execute(db)

  // "Ne pas conserver": a choice on the recording, seen by all its owners.
  await sql`
    ALTER TABLE recordings
      ADD COLUMN declined_at timestamptz,
      ADD COLUMN declined_by integer REFERENCES users (id)`.execute(db)
  // A teacher's list sorts and pages their recordings on these columns alone (index-only scans).
  await sql`CREATE INDEX recordings_listing ON recordings (id) INCLUDE (start_time, duration_seconds, state, declined_at, name)`.execute(db)

  // An import's business state; the queue's own bookkeeping lives in pg-boss's tables.
  await sql`
    CREATE TABLE imports (
      id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      recording_id   integer NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
      requested_by   integer NOT NULL REFERENCES users (id),
      state          text NOT NULL DEFAULT 'queued' CHECK (state IN
                       ('queued', 'fetching', 'converting', 'uploading', 'encoding', 'done', 'failed', 'cancelled')),
      progress       smallint CHECK (progress BETWEEN 0 AND 100),
      attempts       integer NOT NULL DEFAULT 0,
      error          text,
      pod_video_id   text,
      pod_video_url  text,
      -- The run that holds the import: renewed as it works; a dead worker's lease runs out.
      lease_token    uuid,
      lease_until    timestamptz,
      created_at     timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now(),
      finished_at    timestamptz
    )`.execute(db)
  // At most one live import per recording (a done one counts: Pod must not get it twice);
  // two concurrent clicks make one row, the second insert hits this index.
  await sql`CREATE UNIQUE INDEX imports_one_live ON imports (recording_id) WHERE state NOT IN ('failed', 'cancelled')`.execute(db)
  await sql`CREATE INDEX imports_recording ON imports (recording_id, id DESC)`.execute(db)
  await sql`CREATE INDEX imports_state ON imports (state) WHERE state NOT IN ('done', 'cancelled')`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE imports`.execute(db)
  await sql`ALTER TABLE recordings DROP COLUMN declined_at, DROP COLUMN declined_by`.execute(db)
  await sql`DROP INDEX recording_owners_user`.execute(db)
  await sql`CREATE INDEX recording_owners_user ON recording_owners (user_id)`.execute(db)
  await sql`ALTER TABLE users DROP COLUMN last_login_at`.execute(db)
  await sql`DROP TABLE sessions`.execute(db)
}
