import { type Kysely, sql } from 'kysely'

// The migration campaign of each source: when it was opened (and which process sends its e-mails
// now), each step once planned, every e-mail (one per owner and step, never two), who asked for no
// more reminders, and the deadline's run (claimed, then applied).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE campaigns (
    source text PRIMARY KEY,
    opened_at timestamptz NOT NULL DEFAULT now(),
    opened_by text NOT NULL,
    sender_until timestamptz
  )`.execute(db)
  await sql`CREATE TABLE campaign_steps (
    source text NOT NULL,
    step text NOT NULL,
    planned_at timestamptz NOT NULL DEFAULT now(),
    recipients integer NOT NULL DEFAULT 0,
    superseded boolean NOT NULL DEFAULT false,
    PRIMARY KEY (source, step)
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
    started_at timestamptz NOT NULL DEFAULT now(),
    applied_at timestamptz,
    applied_by text NOT NULL,
    counts jsonb NOT NULL DEFAULT '{}'
  )`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['deadline_runs', 'campaign_unsubscribes', 'campaign_mails', 'campaign_steps', 'campaigns']) await sql`DROP TABLE ${sql.table(table)}`.execute(db)
}
