import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // "Knowingly abandoned" by an admin: counts as settled in the shutdown verdict.
  await sql`
    ALTER TABLE recordings
      ADD COLUMN abandoned_at     timestamptz,
      ADD COLUMN abandoned_reason text,
      ADD COLUMN abandoned_by     text`.execute(db)

  // Sources shut down (`bbb-portal decommission`): their recordings not imported leave the
  // teachers' lists; nothing is deleted, `--undo` brings them back.
  await sql`
    CREATE TABLE retired_sources (
      source      text PRIMARY KEY,
      retired_at  timestamptz NOT NULL DEFAULT now(),
      retired_by  text NOT NULL
    )`.execute(db)

  // Every admin action: who, when, what, before and after.
  await sql`
    CREATE TABLE audit_log (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at           timestamptz NOT NULL DEFAULT now(),
      actor        text NOT NULL,
      action       text NOT NULL,
      target_type  text NOT NULL,
      target_id    text NOT NULL,
      before       jsonb,
      after        jsonb
    )`.execute(db)
  await sql`CREATE INDEX audit_log_at ON audit_log (at DESC)`.execute(db)
  await sql`CREATE INDEX audit_log_target ON audit_log (target_type, target_id)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE audit_log`.execute(db)
  await sql`DROP TABLE retired_sources`.execute(db)
  await sql`ALTER TABLE recordings DROP COLUMN abandoned_at, DROP COLUMN abandoned_reason, DROP COLUMN abandoned_by`.execute(db)
}
