import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  // The sync stamps every recording it sees with its own run: a foreign key looked that run up
  // again for each row inserted or touched, 100 000 lookups of the same row per sync of a big
  // server. Only the sync writes this column, with the run it has just created.
  await sql`ALTER TABLE recordings DROP CONSTRAINT IF EXISTS recordings_last_sync_run_id_fkey`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE recordings ADD CONSTRAINT recordings_last_sync_run_id_fkey FOREIGN KEY (last_sync_run_id) REFERENCES sync_runs (id)`.execute(db)
}
