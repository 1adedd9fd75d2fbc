import { type Kysely, sql } from 'kysely'

// A teacher's list leaves out the recordings of retired servers, which reads `source`: without it
// in the listing index, every owned recording's row was read from the table to sort and filter.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX recordings_listing`.execute(db)
  await sql`CREATE INDEX recordings_listing ON recordings (id) INCLUDE (start_time, duration_seconds, state, declined_at, name, source)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX recordings_listing`.execute(db)
  await sql`CREATE INDEX recordings_listing ON recordings (id) INCLUDE (start_time, duration_seconds, state, declined_at, name)`.execute(db)
}
