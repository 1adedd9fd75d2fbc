import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // The id of the import's last job in pg-boss: the workers' sweep asks pg-boss whether that job
  // still waits or runs (its public `getJobById`) instead of reading pg-boss's own tables.
  await sql`ALTER TABLE imports ADD COLUMN job_id uuid`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE imports DROP COLUMN job_id`.execute(db)
}
