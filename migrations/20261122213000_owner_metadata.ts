import { type Kysely, sql } from 'kysely'

// The metadata keys owner resolution reads, lowercased (Moodle writes `bbb-origin`, old
// plugins `bn-origin`, in any case). Each sync took them apart from every recording's whole
// metadata after its listing, when nothing else can run; kept here by the database when the
// metadata is written, whoever writes it, they are read as they are.
const keys = sql.raw('\'bbb-origin\', \'bn-origin\', \'bbb-origin-server-name\', \'bbb-context-id\', \'bbb-recording-name\', \'bbb-context-label\', \'meetingid\'')

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE recordings ADD COLUMN owner_metadata jsonb NOT NULL DEFAULT '{}'`.execute(db)
  await sql`
    CREATE FUNCTION recordings_owner_metadata() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.owner_metadata := COALESCE((SELECT jsonb_object_agg(lower(key), value) FROM jsonb_each_text(NEW.metadata) WHERE lower(key) IN (${keys})), '{}'::jsonb);
      RETURN NEW;
    END $$`.execute(db)
  // Only when the metadata is written: touching a recording or setting its owners does not fire it.
  await sql`CREATE TRIGGER recordings_owner_metadata BEFORE INSERT OR UPDATE OF metadata ON recordings
            FOR EACH ROW EXECUTE FUNCTION recordings_owner_metadata()`.execute(db)
  await sql`UPDATE recordings SET metadata = metadata`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER recordings_owner_metadata ON recordings`.execute(db)
  await sql`DROP FUNCTION recordings_owner_metadata()`.execute(db)
  await sql`ALTER TABLE recordings DROP COLUMN owner_metadata`.execute(db)
}
