import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sync_runs (
      id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      source          text NOT NULL,
      started_at      timestamptz NOT NULL DEFAULT now(),
      finished_at     timestamptz,
      dry             boolean NOT NULL,
      status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
      listing         text,
      complete        boolean NOT NULL DEFAULT false,
      listed_count    integer NOT NULL DEFAULT 0,
      new_count       integer NOT NULL DEFAULT 0,
      updated_count   integer NOT NULL DEFAULT 0,
      unchanged_count integer NOT NULL DEFAULT 0,
      missing_count   integer NOT NULL DEFAULT 0,
      invalid_count   integer NOT NULL DEFAULT 0,
      invalid         jsonb NOT NULL DEFAULT '[]',
      options         jsonb NOT NULL DEFAULT '{}',
      error           text
    )`.execute(db)
  await sql`CREATE INDEX sync_runs_source_started ON sync_runs (source, started_at DESC)`.execute(db)

  await sql`
    CREATE TABLE recordings (
      id                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      source              text NOT NULL,
      record_id           text NOT NULL,
      meeting_id          text NOT NULL,
      internal_meeting_id text NOT NULL,
      name                text NOT NULL,
      meeting_name        text NOT NULL,
      is_breakout         boolean NOT NULL DEFAULT false,
      parent_meeting_id   text,
      published           boolean NOT NULL,
      state               text NOT NULL,
      start_time          timestamptz NOT NULL,
      end_time            timestamptz,
      duration_seconds    integer NOT NULL,
      participants        integer,
      metadata            jsonb NOT NULL DEFAULT '{}',
      formats             jsonb NOT NULL DEFAULT '[]',
      fingerprint         text NOT NULL,
      first_seen_at       timestamptz NOT NULL,
      last_seen_at        timestamptz NOT NULL,
      missing_since       timestamptz,
      last_sync_run_id    integer REFERENCES sync_runs (id),
      UNIQUE (source, record_id)
    ) WITH (fillfactor = 80)`.execute(db) // room on each page: touching last_seen_at is a HOT update
  await sql`CREATE INDEX recordings_source_start ON recordings (source, start_time DESC, record_id)`.execute(db)
  await sql`CREATE INDEX recordings_missing ON recordings (source) WHERE missing_since IS NOT NULL`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE recordings`.execute(db)
  await sql`DROP TABLE sync_runs`.execute(db)
}
