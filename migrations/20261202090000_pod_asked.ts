import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // pod_asked_at: when the import asked Pod to process its video (launch the encoding, or make the
  // recording from the claim folder). Written before asking: a run that dies in between never
  // asks twice, and a video Pod queued but has not started is waited for, not launched again.
  // plain_claim: imports of `sync --convert-all` (Pod's manual claim) stay in Pod's claim list
  // even where teachers get their videos made for them.
  await sql`ALTER TABLE imports ADD COLUMN pod_asked_at timestamptz, ADD COLUMN plain_claim boolean NOT NULL DEFAULT false`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE imports DROP COLUMN pod_asked_at, DROP COLUMN plain_claim`.execute(db)
}
