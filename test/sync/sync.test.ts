import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { openCsvExport } from '../../src/sync/csv-export.ts'
import { SyncAlreadyRunningError } from '../../src/sync/source-lock.ts'
import { syncHarness } from '../helpers/sync.ts'

t.test('a re-sync is idempotent; changes are seen; missing is marked and cleared', async (t) => {
  const all = syntheticRecordings(30)
  const h = await syncHarness(t, { recordings: all })
  const first = await h.service.syncSource(h.source)
  t.same(first.counts, { listed: 30, new: 30, updated: 0, unchanged: 0, missing: 0, invalid: 0 })
  const before = await h.rows()

  const second = await h.service.syncSource(h.source)
  t.same(second.counts, { listed: 30, new: 0, updated: 0, unchanged: 30, missing: 0, invalid: 0 })
  const after = await h.rows()
  t.same(after.map((r) => r.first_seen_at), before.map((r) => r.first_seen_at), 'first seen kept')
  t.ok(after.every((r, i) => r.last_seen_at > before[i]!.last_seen_at), 'last seen moves on')

  h.fake.recordings = all.slice(1).map((r, i) => (i === 0 ? { ...r, name: 'Renamed', metadata: { ...r.metadata, name: 'Renamed' } } : r))
  const third = await h.service.syncSource(h.source)
  t.same(third.counts, { listed: 29, new: 0, updated: 1, unchanged: 28, missing: 1, invalid: 0 })
  const rows = await h.rows()
  const gone = rows.find((r) => r.record_id === all[0]!.recordId)
  t.ok(gone?.missing_since, 'absent from a complete listing: missing, not deleted')
  t.equal(rows.find((r) => r.record_id === all[1]!.recordId)?.name, 'Renamed')

  h.fake.recordings = all
  const fourth = await h.service.syncSource(h.source)
  t.equal(fourth.counts.updated, 2, 'the reappeared and the renamed-back recordings')
  t.equal((await h.rows()).filter((r) => r.missing_since).length, 0, 'reappearing clears the mark')
})

t.test('a source whose recordings are all missing is not a first sync: they come back as updated, not new', async (t) => {
  const all = syntheticRecordings(3)
  const h = await syncHarness(t, { recordings: all })
  await h.service.syncSource(h.source)
  h.fake.recordings = []
  t.equal((await h.service.syncSource(h.source, { allowEmpty: true })).counts.missing, 3)
  h.fake.recordings = all
  const back = await h.service.syncSource(h.source)
  t.same(back.counts, { listed: 3, new: 0, updated: 3, unchanged: 0, missing: 0, invalid: 0 })
  t.equal((await h.rows()).length, 3, 'the same rows, their marks cleared')
  t.equal((await h.rows()).filter((r) => r.missing_since).length, 0)
})

t.test('a new one-time Scalelite token in URLs does not make a recording changed', async (t) => {
  const all = syntheticRecordings(2)
  const withToken = (token: string) => all.map((r) => ({ ...r, formats: r.formats.map((f) => ({ ...f, url: `${f.url}?token=${token}` })) }))
  const h = await syncHarness(t, { recordings: withToken('eyJhbGciOiJIUzI1NiJ9.first') })
  await h.service.syncSource(h.source)
  h.fake.recordings = withToken('eyJhbGciOiJIUzI1NiJ9.second')
  t.equal((await h.service.syncSource(h.source)).counts.unchanged, 2)
  h.fake.recordings = withToken('x').map((r) => ({ ...r, name: 'Changed' }))
  t.equal((await h.service.syncSource(h.source)).counts.updated, 2, 'a real change is still seen')
})

t.test('an empty complete listing is refused while recordings are known, unless --allow-empty', async (t) => {
  const h = await syncHarness(t, { recordings: syntheticRecordings(5) })
  await h.service.syncSource(h.source)
  h.fake.recordings = []
  const refused = await h.service.syncSource(h.source)
  t.equal(refused.status, 'failed')
  t.match(refused.error, /listed no recording while 5 are known.*--allow-empty/)
  t.equal((await h.rows()).filter((r) => r.missing_since).length, 0)
  const allowed = await h.service.syncSource(h.source, { allowEmpty: true })
  t.same([allowed.status, allowed.counts.missing], ['succeeded', 5])
})

t.test('an empty server with an empty database is simply empty', async (t) => {
  const h = await syncHarness(t, { recordings: [] })
  const summary = await h.service.syncSource(h.source)
  t.same([summary.status, summary.complete, summary.counts.listed], ['succeeded', true, 0])
})

t.test('--dry reports what would change and writes nothing', async (t) => {
  const all = syntheticRecordings(12)
  const h = await syncHarness(t, { recordings: all })
  const dryFirst = await h.service.syncSource(h.source, { dry: true })
  t.same([dryFirst.dry, dryFirst.counts.new, dryFirst.changes.new.length], [true, 12, 12])
  t.equal((await h.rows()).length, 0, 'nothing written')

  await h.service.syncSource(h.source)
  const snapshot = JSON.stringify(await h.rows())
  h.fake.recordings = [...all.slice(2), { ...all[2]!, recordId: 'new-one', startTime: all[2]!.startTime + 1 }]
  h.fake.recordings[0] = { ...all[2]!, state: 'unpublished', published: false }
  const dry = await h.service.syncSource(h.source, { dry: true })
  t.same(dry.counts, { listed: 11, new: 1, updated: 1, unchanged: 9, missing: 2, invalid: 0 })
  t.same(dry.changes.updated, [all[2]!.recordId], 'lists the recordIDs of each change')
  t.same([...dry.changes.missing].sort(), [all[0]!.recordId, all[1]!.recordId].sort())
  t.same(dry.changes.new, ['new-one'])
  t.equal(JSON.stringify(await h.rows()), snapshot, 'the recordings are untouched')
  const runs = await h.db.selectFrom('sync_runs').selectAll().orderBy('id').execute()
  t.same(runs.map((r) => [r.dry, r.status]), [[true, 'succeeded'], [false, 'succeeded'], [true, 'succeeded']], 'every run is recorded, dry or applied')
})

t.test('--min/--max: a 1-based window, newest first by startTime then recordID; never marks missing', async (t) => {
  const base = syntheticRecordings(6)
  // Two recordings share a start time: recordID breaks the tie.
  const all = base.map((r, i) => (i === 4 ? { ...r, startTime: base[5]!.startTime } : r))
  const h = await syncHarness(t, { recordings: all })
  await h.service.syncSource(h.source)
  h.fake.recordings = all.slice(1)
  const summary = await h.service.syncSource(h.source, { min: 2, max: 4 })
  const expected = [...all.slice(1)].sort((a, b) => b.startTime - a.startTime || (a.recordId < b.recordId ? -1 : 1)).slice(1, 4)
  t.equal(summary.counts.listed, 3)
  const rows = await h.rows()
  const touched = rows.filter((r) => r.last_sync_run_id === summary.runId).map((r) => r.record_id).sort()
  t.same(touched, expected.map((r) => r.recordId).sort())
  t.same([summary.complete, summary.counts.missing], [false, 0])
  t.match(summary.incompleteReason, /window/)
})

t.test('--use-cache replays the last saved reply without calling BBB, and marks nothing missing', async (t) => {
  const all = syntheticRecordings(150)
  const h = await syncHarness(t, { flavour: 'bbb-2.6', recordings: all })
  await t.rejects(
    h.service.syncSource(h.source, { useCache: true }).then((s) => Promise.reject(new Error(s.error ?? ''))),
    /no cached reply for this source yet/,
  )
  await h.service.syncSource(h.source)
  const calls = h.fake.calls.length
  h.fake.recordings = []
  const replay = await h.service.syncSource(h.source, { useCache: true })
  t.same([replay.status, replay.fromCache, replay.counts.listed, replay.counts.unchanged], ['succeeded', true, 150, 150])
  t.equal(h.fake.calls.length, calls, 'the server was not called')
  t.equal(replay.counts.missing, 0)
  t.match(JSON.parse(readFileSync(path.join(h.dataDir, 'cache', 'old', 'index.json'), 'utf8')), { listing: 'paged', recordings: 150 })
  // One reply, each recording once, as completed by its recordID= call (pages list one format each).
  const saved = readFileSync(path.join(h.dataDir, 'cache', 'old', 'recordings.xml'), 'utf8')
  t.equal(saved.match(/<recording>/g)?.length, 150)
  t.equal(saved.match(/<format>/g)?.length, all.reduce((n, r) => n + r.formats.length, 0))
  t.same(readdirSync(path.join(h.dataDir, 'cache', 'old')).sort(), ['index.json', 'recordings.xml'])
})

t.test('an empty listing is saved too, and replays as empty', async (t) => {
  const h = await syncHarness(t, { recordings: [] })
  t.equal((await h.service.syncSource(h.source)).status, 'succeeded')
  const replay = await h.service.syncSource(h.source, { useCache: true })
  t.same([replay.status, replay.fromCache, replay.counts.listed], ['succeeded', true, 0])
})

t.test('a cache left by an older version (one file per call) is refused with a clear message', async (t) => {
  const h = await syncHarness(t, { recordings: syntheticRecordings(2) })
  const dir = path.join(h.dataDir, 'cache', 'old')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ savedAt: new Date().toISOString(), entries: { '': 'abc.xml' } }))
  writeFileSync(path.join(dir, 'abc.xml'), '<response><returncode>SUCCESS</returncode><recordings/></response>')
  await t.rejects(h.service.syncSource(h.source, { useCache: true }), /no cached reply for this source yet.*run a sync without --use-cache first/)
})

t.test('a failed listing keeps the previous cache', async (t) => {
  const h = await syncHarness(t, { recordings: syntheticRecordings(3) })
  await h.service.syncSource(h.source)
  h.fake.faults.push({ kind: 'html', status: 504 })
  t.equal((await h.service.syncSource(h.source)).status, 'failed')
  t.equal((await h.service.syncSource(h.source, { useCache: true })).counts.listed, 3)
})

t.test('the CSV export has Pod\'s columns, quoting, 2.3 links; also in dry mode', async (t) => {
  const all = syntheticRecordings(4)
  all[0] = { ...all[0]!, name: 'Cours; "spécial"', metadata: { ...all[0]!.metadata, 'bbb-recording-name': 'Ligne 1\nLigne 2' } }
  all[1] = { ...all[1]!, formats: [{ type: 'presentation', url: '/playback/presentation/2.0/playback.html?meetingId=abc-123', length: 3 }] }
  const h = await syncHarness(t, { recordings: all })
  const file = path.join(h.dataDir, 'out.csv')
  const csv = openCsvExport(file)
  await h.service.syncSource(h.source, { dry: true, csv: { write: (r) => csv.write(r, true) } })
  await csv.close()
  const text = readFileSync(file, 'utf8')
  const lines = text.split('\n')
  t.equal(lines[0], 'meeting_name;recording_name;start_date;origin;origin_server_name;origin_version;origin_context;origin_id;origin_label;description;published;state;source_url;Moodle_owners')
  t.match(text, /^"Cours; ""spécial""";"Ligne 1\nLigne 2";\d{4}-\d{2}-\d{2};Moodle;moodle0\.univ\.example;/m)
  t.match(text, new RegExp(`;${h.fake.url.replace(/[/.]/g, '\\$&')}playback/presentation/2\\.3/abc-123;\\n`), '2.0 link rewritten for the 2.3 player')
  t.match(text, /;https:\/\/bbb\.example\.edu\/playback\/video\/[0-9a-f-]+\/;\n/, 'a video playback is the source URL')
  t.equal((await h.rows()).length, 0, 'dry: only the CSV was written')
})

t.test('the CSV export neutralises cells a spreadsheet would run as formulas', async (t) => {
  const all = syntheticRecordings(2)
  all[0] = { ...all[0]!, name: '=HYPERLINK("https://evil.example","Cours")' }
  all[1] = { ...all[1]!, name: "=cmd|' /C calc'!A0", metadata: { ...all[1]!.metadata, 'bbb-context-label': '@SUM(1)' } }
  const h = await syncHarness(t, { recordings: all })
  const file = path.join(h.dataDir, 'out.csv')
  const csv = openCsvExport(file)
  await h.service.syncSource(h.source, { dry: true, csv: { write: (r) => csv.write(r, true) } })
  await csv.close()
  const text = readFileSync(file, 'utf8')
  t.match(text, /^"'=HYPERLINK\(""https:\/\/evil\.example"",""Cours""\)";/m)
  t.match(text, /^'=cmd\|' \/C calc'!A0;/m)
  t.match(text, /;'@SUM\(1\);/)
  t.notMatch(text, /(^|;|")[=+@]/m, 'no cell starts a formula')
})

t.test('invalid recordings are reported and skipped; the rest is stored and they are not marked missing', async (t) => {
  const all = syntheticRecordings(5)
  const h = await syncHarness(t, { recordings: all })
  await h.service.syncSource(h.source)
  h.fake.recordings = all.map((r, i) => (i === 2 ? { ...r, formats: [{ type: 'presentation', url: 'javascript:alert(1)', length: 1 }] } : r))
  const summary = await h.service.syncSource(h.source)
  t.same([summary.status, summary.counts.invalid, summary.counts.unchanged, summary.counts.missing], ['succeeded', 1, 4, 0])
  t.same(summary.invalid, [{ recordId: all[2]!.recordId, reason: 'playback.format.0.url is not an http(s) URL' }])
  const run = await h.db.selectFrom('sync_runs').selectAll().where('id', '=', summary.runId).executeTakeFirstOrThrow()
  t.same([run.invalid_count, run.invalid], [1, summary.invalid])
})

t.test('two syncs of one source never overlap (advisory lock), others run', async (t) => {
  const h = await syncHarness(t, { recordings: syntheticRecordings(3) })
  h.fake.faults.push({ kind: 'delay', ms: 600 })
  const slow = h.service.syncSource(h.source)
  await new Promise((r) => setTimeout(r, 200))
  await t.rejects(h.service.syncSource(h.source), SyncAlreadyRunningError)
  t.equal((await h.service.syncSource({ ...h.source, name: 'other' })).status, 'succeeded', 'another source is not blocked')
  t.equal((await slow).status, 'succeeded')
  t.equal((await h.service.syncSource(h.source)).status, 'succeeded', 'the lock is released')
})

t.test('a run left "running" by a dead process is closed as interrupted by the next sync', async (t) => {
  const h = await syncHarness(t, { recordings: syntheticRecordings(2) })
  const stale = await h.db.insertInto('sync_runs').values({ source: 'old', dry: false, options: '{}', invalid: '[]' }).returning('id').executeTakeFirstOrThrow()
  const other = await h.db.insertInto('sync_runs').values({ source: 'another', dry: false, options: '{}', invalid: '[]' }).returning('id').executeTakeFirstOrThrow()
  await h.service.syncSource(h.source)
  const runs = await h.db.selectFrom('sync_runs').select(['id', 'status', 'error']).where('id', 'in', [stale.id, other.id]).orderBy('id').execute()
  t.same(runs.map((r) => [r.status, r.error]), [['failed', 'interrupted: the process stopped before the run ended'], ['running', null]], 'only this source\'s runs')
})
