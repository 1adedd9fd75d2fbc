import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { openDatabase } from '../../src/db/database.ts'
import { createMigrator } from '../../src/db/migrate.ts'
import { adminQuery, dropWhenIdle, urlFor } from '../helpers/database.ts'

// An installed database keeps how its recordings' owners were found when the columns move to
// their own table, and gets them back if the migration is undone.
t.test('ownership moves out of recordings and back without losing a value', async (t) => {
  const name = `bbb_portal_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await adminQuery(`CREATE DATABASE ${name}`)
  const handle = await openDatabase({ databaseUrl: urlFor(name), dataDir: '/nonexistent' })
  t.teardown(async () => {
    await handle.close()
    await dropWhenIdle(name)
  })
  const migrator = createMigrator(handle.db)
  t.notOk((await migrator.migrateTo('20261122213000_owner_metadata')).error)
  await sql`
    INSERT INTO recordings (source, record_id, meeting_id, internal_meeting_id, name, meeting_name, published, state, start_time, duration_seconds,
                            fingerprint, first_seen_at, last_seen_at, owner_match, orphaned, moodle_activity_id, moodle_course_id, owners_checked_at)
    VALUES ('old', 'r1', 'm1', 'r1', 'One', 'One', true, 'published', now(), 60, 'f', now(), now(), 'moodle:meetingid', false, 7, 3, '2026-11-20T10:00:00Z'),
           ('old', 'r2', 'm2', 'r2', 'Two', 'Two', true, 'published', now(), 60, 'f', now(), now(), 'none', true, NULL, NULL, '2026-11-20T10:00:00Z'),
           ('old', 'r3', 'm3', 'r3', 'Three', 'Three', true, 'published', now(), 60, 'f', now(), now(), NULL, false, NULL, NULL, NULL)`.execute(handle.db)

  t.notOk((await migrator.migrateToLatest()).error)
  const moved = await sql<{ record_id: string; owner_match: string; orphaned: boolean; moodle_activity_id: string | null; moodle_course_id: string | null; checked_at: Date }>`
    SELECT r.record_id, w.owner_match, w.orphaned, w.moodle_activity_id, w.moodle_course_id, w.checked_at
      FROM recording_ownership w JOIN recordings r ON r.id = w.recording_id ORDER BY r.record_id`.execute(handle.db)
  t.same(moved.rows.map(({ checked_at, ...rest }) => ({ ...rest, checked_at: checked_at.toISOString() })), [
    { record_id: 'r1', owner_match: 'moodle:meetingid', orphaned: false, moodle_activity_id: '7', moodle_course_id: '3', checked_at: '2026-11-20T10:00:00.000Z' },
    { record_id: 'r2', owner_match: 'none', orphaned: true, moodle_activity_id: null, moodle_course_id: null, checked_at: '2026-11-20T10:00:00.000Z' },
  ], 'a recording never looked at gets no row')

  t.notOk((await migrator.migrateTo('20261122213000_owner_metadata')).error)
  const back = await sql<{ record_id: string; owner_match: string | null; orphaned: boolean; moodle_activity_id: string | null }>`
    SELECT record_id, owner_match, orphaned, moodle_activity_id FROM recordings ORDER BY record_id`.execute(handle.db)
  t.same(back.rows, [
    { record_id: 'r1', owner_match: 'moodle:meetingid', orphaned: false, moodle_activity_id: '7' },
    { record_id: 'r2', owner_match: 'none', orphaned: true, moodle_activity_id: null },
    { record_id: 'r3', owner_match: null, orphaned: false, moodle_activity_id: null },
  ])
})
