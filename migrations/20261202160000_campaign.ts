import { type Kysely, sql } from 'kysely'

// The migration campaign of each source: when it was opened, every e-mail planned for each step
// (one per owner and step, never two), who asked for no more reminders, and the deadline's run.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE campaigns (
    source text PRIMARY KEY,
    opened_at timestamptz NOT NULL DEFAULT now(),
    opened_by text NOT NULL
  )`.execute(db)
  await sql`CREATE TABLE campaign_mails (
    id serial PRIMARY KEY,
    source text NOT NULL,
    step text NOT NULL,
    user_id integer NOT NULL REFERENCES users (id),
    state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
    error text,
    recordings integer,
    planned_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    UNIQUE (source, step, user_id)
  )`.execute(db)
  await sql`CREATE INDEX campaign_mails_queued ON campaign_mails (source, id) WHERE state = 'queued'`.execute(db)
  await sql`CREATE TABLE campaign_unsubscribes (
    source text NOT NULL,
    user_id integer NOT NULL REFERENCES users (id),
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, user_id)
  )`.execute(db)
  await sql`CREATE TABLE deadline_runs (
    source text PRIMARY KEY,
    fate text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    applied_by text NOT NULL,
    counts jsonb NOT NULL DEFAULT '{}'
  )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['deadline_runs', 'campaign_unsubscribes', 'campaign_mails', 'campaigns']) await sql`DROP TABLE ${sql.table(table)}`.execute(db)
}
