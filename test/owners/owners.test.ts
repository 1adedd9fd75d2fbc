import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import t from 'tap'
import type { AppConfig } from '../../src/config.ts'
import type { FakeRecording } from '../../src/demo/fake-bbb-xml.ts'
import { openOwnerSources } from '../../src/owners/owner-sources.ts'
import { openCsvExport } from '../../src/sync/csv-export.ts'
import { applyMoodleNotice, revertMoodleNotice } from '../../src/owners/moodle-notice.ts'
import { adminQuery, dropWhenIdle, urlFor } from '../helpers/database.ts'
import { moodleDatabase, type MoodleKind } from '../helpers/moodle.ts'
import { signToken } from '../../src/auth/tokens.ts'
import { buildApp, jwtSecret, testConfig } from '../helpers/app.ts'
import { syncHarness } from '../helpers/sync.ts'
import { INTRO1, moodleRecordings, rid, seedMoodle, SERVER } from './moodle-fixture.ts'
import { createRepositories } from '../../src/services.ts'

const base = { published: true, state: 'published', startTime: Date.UTC(2025, 2, 1), endTime: Date.UTC(2025, 2, 1, 1), formats: [{ type: 'presentation', url: 'https://bbb.univ.example/playback/presentation/2.3/x', length: 60 }] }
const recordings: FakeRecording[] = [
  ...moodleRecordings,
  // R9: a Greenlight room, owned by one user and shared with another.
  { ...base, recordId: rid(9), meetingId: 'gl-room-meeting-id-1', name: 'Salle de Claire', metadata: { 'bbb-origin': 'greenlight', 'bbb-origin-server-name': 'gl.univ.example', meetingId: 'gl-room-meeting-id-1' } },
  // R10: made by nobody we know.
  { ...base, recordId: rid(10), meetingId: 'mystery', name: 'Mystère', metadata: { meetingId: 'mystery' } },
]

async function greenlight(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const name = `greenlight_test_${process.pid}_${randomBytes(3).toString('hex')}`
  await adminQuery(`CREATE DATABASE ${name}`)
  const url = urlFor(name)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  // The columns of Greenlight v3's db/schema.rb that matter here.
  await client.query(`
    CREATE TABLE users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name varchar NOT NULL, email varchar NOT NULL, external_id varchar, provider varchar NOT NULL, language varchar NOT NULL DEFAULT 'fr', created_at timestamp NOT NULL DEFAULT now(), updated_at timestamp NOT NULL DEFAULT now());
    CREATE TABLE rooms (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), user_id uuid REFERENCES users, name varchar NOT NULL, friendly_id varchar NOT NULL, meeting_id varchar NOT NULL UNIQUE, created_at timestamp NOT NULL DEFAULT now(), updated_at timestamp NOT NULL DEFAULT now());
    CREATE TABLE shared_accesses (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), user_id uuid NOT NULL REFERENCES users, room_id uuid NOT NULL REFERENCES rooms, created_at timestamp NOT NULL DEFAULT now(), updated_at timestamp NOT NULL DEFAULT now());
    INSERT INTO users (id, name, email, external_id, provider) VALUES
      ('00000000-0000-0000-0000-000000000001', 'Claire Bernard', 'Claire.Bernard@univ.example', 'CBernard', 'openid_connect'),
      ('00000000-0000-0000-0000-000000000002', 'Paul Local', 'paul@univ.example', NULL, 'greenlight');
    INSERT INTO rooms (id, user_id, name, friendly_id, meeting_id) VALUES ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001', 'Salle de Claire', 'cla-xyz-123', 'gl-room-meeting-id-1');
    INSERT INTO shared_accesses (user_id, room_id) VALUES ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-0000000000a1');`)
  t.teardown(async () => {
    await client.end()
    await dropWhenIdle(name)
  })
  return url
}

for (const kind of ['postgres', 'mariadb'] as MoodleKind[]) {
  t.test(`owners from a ${kind} Moodle, Greenlight, a mapping file; orphans and the fallback owner`, async (t) => {
    const moodle = await moodleDatabase(t, kind, 'mdlx_')
    await seedMoodle(moodle)
    await moodle.insert('bigbluebuttonbn_recordings', { id: 3, courseid: 10, bigbluebuttonbnid: 2, recordingid: rid(1), imported: 1, status: 2 })
    await moodle.insert('bigbluebuttonbn_recordings', { id: 5, courseid: 10, bigbluebuttonbnid: 1, recordingid: rid(1), imported: 0, status: 2 })
    const mapping = path.join(mkdtempSync(path.join(os.tmpdir(), 'owners-map-')), 'owners.csv')
    writeFileSync(mapping, 'bbb-context-label;usernames\nMATH101;Alice\n')
    const config: AppConfig['owners'] = {
      moodles: { [SERVER]: { url: moodle.url, prefix: 'mdlx_' } }, greenlightUrl: await greenlight(t), mappingFile: mapping,
      resolvers: ['moodle', 'greenlight', 'mapping'], match: 'username', fallbackOwner: 'admin.pod', noticeFile: undefined,
    }
    const sources = openOwnerSources(config)
    t.teardown(() => sources.close())
    const h = await syncHarness(t, { recordings }, { ignoredServers: ['test-moodle.example'] })
    h.useOwners(config, sources)

    const summary = await h.service.syncSource(h.source)
    t.equal(summary.status, 'succeeded', summary.error ?? '')
    t.match(summary.owners, { checked: 10, resolved: 8, orphaned: 2, unresolved: 0, byMatch: { 'moodle:recordings': 1, 'moodle:meetingid': 4, 'moodle:context': 1, greenlight: 1, mapping: 1, none: 2 } })

    const ownersOf = async (n: number) => (await h.db.selectFrom('recording_owners as o').innerJoin('users as u', 'u.id', 'o.user_id').innerJoin('recordings as r', 'r.id', 'o.recording_id')
      .select(['u.username', 'o.reason', 'o.suspended']).where('r.record_id', '=', rid(n)).orderBy('u.username').execute()).map((o) => `${o.username}:${o.reason}${o.suspended ? ':suspended' : ''}`)
    const row = (n: number) => h.db.selectFrom('recordings as r').innerJoin('recording_ownership as w', 'w.recording_id', 'r.id')
      .select(['w.owner_match', 'w.orphaned', 'w.moodle_activity_id', 'w.moodle_course_id']).where('r.record_id', '=', rid(n)).executeTakeFirstOrThrow()

    t.same(await ownersOf(1), ['alice:moodle-user', 'bob:moodle-role:editingteacher', 'erin:moodle-user:suspended'], 'user rules (quoted or not), a role rule by id; the deleted teacher and the viewer rule left out')
    t.match(await row(1), { owner_match: 'moodle:recordings', orphaned: false, moodle_activity_id: 1, moodle_course_id: 10 }, 'the original recordings row wins over an imported copy')
    t.same(await ownersOf(2), ['bob:moodle-role:editingteacher', 'frank:moodle-owner'], 'empty participants: the site default 0,3 (owner from the Add log + editing teachers)')
    t.same(await ownersOf(3), ['carol:moodle-role:manager', 'gina:moodle-role:teacher'], 'role rules by shortname, and a manager role held at category level')
    t.match(await row(3), { owner_match: 'moodle:meetingid', moodle_activity_id: 3 })
    t.same(await ownersOf(4), ['hank:moodle-user'], 'two activities share a seed after a restore: the one in the meeting\'s course')
    t.match(await row(4), { moodle_activity_id: 4, moodle_course_id: 21 })
    t.same(await ownersOf(5), await ownersOf(1), 'a group meetingID [3] is its activity\'s')
    t.same(await ownersOf(6), await ownersOf(3), 'course id + the name cut at 64 characters')
    t.match(await row(6), { owner_match: 'moodle:context' })
    t.same(await ownersOf(7), ['admin.pod:fallback'], 'an unknown Moodle server: an orphan, given to FALLBACK_OWNER')
    t.match(await row(7), { owner_match: 'none', orphaned: true })
    t.same(await ownersOf(8), ['alice:mapping'], 'an ignored server is never looked up; the mapping file covers it')
    t.same(await ownersOf(9), ['cbernard:greenlight-owner', 'paul@univ.example:greenlight-shared'], 'Greenlight: the room owner (SSO id) and the user it is shared with (e-mail)')
    t.match(await row(10), { owner_match: 'none', orphaned: true })
    const users = await h.db.selectFrom('users').select(['username', 'email', 'display_name', 'created_via']).orderBy('username').execute()
    t.match(users.find((u) => u.username === 'alice'), { email: 'alice@univ.example', display_name: 'Alice Martin', created_via: 'sync' })
    t.notOk(users.some((u) => u.username.startsWith('dave')), 'deleted users are never created')

    // Pod's CSV gains the owners, also in a dry run.
    const csvFile = path.join(path.dirname(mapping), 'out.csv')
    const csv = openCsvExport(csvFile)
    await h.service.syncSource(h.source, { dry: true, csv: { write: (r) => csv.write(r, true), setOwners: (o) => csv.setOwners(o) } })
    await csv.close()
    const lines = readFileSync(csvFile, 'utf8').split('\n')
    t.match(lines.find((l) => l.startsWith('Amphi 1;')), /;Alice Martin \(alice\), Bob Durand \(bob\), Erin Leroy \(erin\)$/, 'owners column: First Last (username), joined by ", "')
    t.match(lines.find((l) => l.startsWith('Mystère;')), /;admin\.pod$/, 'the fallback owner of an orphan')

    // An admin gives the orphan R10 an owner; a re-sync keeps it and changes nothing else.
    const r10 = await h.db.selectFrom('recordings').select('id').where('record_id', '=', rid(10)).executeTakeFirstOrThrow()
    const paul = await h.db.selectFrom('users').select('id').where('username', '=', 'paul@univ.example').executeTakeFirstOrThrow()
    await h.db.insertInto('recording_owners').values({ recording_id: r10.id, user_id: paul.id, reason: 'admin', assigned_by: 'root', suspended: false }).execute()
    const before = await h.db.selectFrom('recording_owners').selectAll().orderBy('recording_id').orderBy('user_id').execute()
    const again = await h.service.syncSource(h.source)
    t.match(again.owners, { resolved: 8, orphaned: 2 })
    t.same(await h.db.selectFrom('recording_owners').selectAll().orderBy('recording_id').orderBy('user_id').execute(), before, 'nothing rewritten; the admin\'s owner kept')
    t.same(await ownersOf(10), ['admin.pod:fallback', 'paul@univ.example:admin'])

    // The Moodle notice: applied once, idempotent, reverted byte for byte (or keeping a teacher's edit).
    const noticeDepsFor = { db: h.db, owners: createRepositories(h.db).owners, moodleFor: sources.moodleFor, template: '<p>Fermeture le {deadline} : {portalUrl}</p>', portalUrl: 'https://portail.univ.example' }
    const source = { ...h.source, shutdownAt: new Date('2027-01-31T12:00:00Z') }
    const dryRun = await applyMoodleNotice(noticeDepsFor, source, { dry: true })
    t.same(dryRun.map((c) => [c.activityId, c.action]).sort(), [[1, 'apply'], [2, 'apply'], [3, 'apply'], [4, 'apply']])
    const moodleRepo = sources.moodleFor(SERVER)!.repo
    t.equal((await moodleRepo.intros([1]))[0]!.intro, INTRO1, 'dry: Moodle untouched')
    await applyMoodleNotice(noticeDepsFor, source)
    const intro1 = (await moodleRepo.intros([1]))[0]!.intro!
    t.ok(intro1.startsWith(INTRO1), 'the old intro stays first')
    t.match(intro1, /<!-- bbb-portal-notice:old --><p>Fermeture le 31 janvier 2027 : https:\/\/portail\.univ\.example<\/p><!-- \/bbb-portal-notice -->$/)
    t.same((await applyMoodleNotice(noticeDepsFor, source)).map((c) => c.action), ['skip', 'skip', 'skip', 'skip'], 'applying twice changes nothing')
    // A teacher edits activity 2's intro after the notice went in.
    const intro2 = (await moodleRepo.intros([2]))[0]!.intro!
    await moodleRepo.setIntro(2, intro2, `<p>Nouveau texte</p>${intro2}`)
    await revertMoodleNotice(noticeDepsFor, source)
    t.equal((await moodleRepo.intros([1]))[0]!.intro, INTRO1, 'reverted byte for byte')
    t.equal((await moodleRepo.intros([2]))[0]!.intro, '<p>Nouveau texte</p>', 'an edited intro keeps the edit, loses the notice')
    t.equal((await moodleRepo.intros([3]))[0]!.intro, null, 'an empty intro is empty again')

    // The same from the admin console's API: preview, apply (audited), revert.
    const { app } = await buildApp(t, h.db, testConfig({ BBB_URL: h.fake.url, BBB_SECRET: 'x', BBB_SOURCE_NAME: 'old', BBB_SHUTDOWN_AT: '2027-01-31T12:00:00Z' }), { notice: noticeDepsFor })
    const admin = { authorization: `Bearer ${signToken(jwtSecret, { sub: 'chef', admin: true })}` }
    const notice = (action: string) => app.inject({ method: 'POST', url: '/api/v1/admin/sources/old/moodle-notice', headers: admin, payload: { action } })
    const preview = (await notice('preview')).json()
    t.same(preview.changes.map((c: { action: string }) => c.action), ['apply', 'apply', 'apply', 'apply'], 'preview: what would change')
    t.equal((await moodleRepo.intros([1]))[0]!.intro, INTRO1, 'preview writes nothing')
    t.equal((await notice('apply')).json().changes.filter((c: { action: string }) => c.action === 'apply').length, 4)
    t.match((await moodleRepo.intros([1]))[0]!.intro, /bbb-portal-notice:old/)
    t.equal((await notice('revert')).statusCode, 200)
    t.equal((await moodleRepo.intros([1]))[0]!.intro, INTRO1, 'reverted from the API too')
    const audit = (await app.inject({ method: 'GET', url: '/api/v1/admin/audit?targetType=source', headers: admin })).json().data
    t.same(audit.map((a: { action: string }) => a.action), ['moodle-notice.revert', 'moodle-notice.apply'])

    // Moodle goes down: recordings stay, their owners stay, the run says why; the next run retries.
    const downConfig = { ...config, moodles: { [SERVER]: { url: kind === 'postgres' ? 'postgres://postgres@127.0.0.1:1/moodle' : 'mysql://root@127.0.0.1:1/moodle', prefix: 'mdlx_' } } }
    const downSources = openOwnerSources(downConfig)
    t.teardown(() => downSources.close())
    h.useOwners(downConfig, downSources)
    const down = await h.service.syncSource(h.source)
    t.equal(down.status, 'succeeded', 'the sync itself succeeds')
    t.match(down.owners, { unresolved: 6, errors: [new RegExp(`Moodle ${SERVER.replace(/\./g, '\\.')}: `)] })
    t.same(await ownersOf(1), ['alice:moodle-user', 'bob:moodle-role:editingteacher', 'erin:moodle-user:suspended'], 'owners as they were')
    const run = await h.db.selectFrom('sync_runs').select('owners').where('id', '=', down.runId).executeTakeFirstOrThrow()
    t.match(run.owners, { unresolved: 6 })
  })
}
