import { sql } from 'kysely'
import t from 'tap'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { cli } from '../helpers/cli.ts'
import { assignOwners } from '../helpers/portal.ts'
import { secret, syncHarness } from '../helpers/sync.ts'

// Pod's mode 1: `sync --use-manual-claim` queues an import of every recording of the window.
t.test('bbb-portal sync --convert-all', async (t) => {
  const h = await syncHarness(t, { recordings: syntheticRecordings(8) })
  await h.service.syncSource(h.source)
  // An admin's assignment: the CLI's own sync re-resolves the others.
  const ids = await assignOwners(h.db, { alice: [7, 6] }, 'admin')
  const dir = t.testdir()
  const env = { DATABASE_URL: h.handle.url, BBB_URL: h.fake.url, BBB_SECRET: secret, BBB_SOURCE_NAME: 'old', DATA_DIR: dir }

  const dry = await cli(['sync', '--convert-all', '--dry', '--max', '3'], env)
  t.equal(dry.code, 0, dry.stderr)
  t.match(dry.stdout, /convert-all \(dry\): would queue 3 import\(s\)/)
  t.match(dry.stdout, /for alice/, 'owned ones for their owner')
  t.match(dry.stdout, /for bbb-portal/, 'orphans for the system user')
  t.equal((await h.db.selectFrom('imports').select('id').execute()).length, 0, 'dry: nothing queued')

  const run = await cli(['sync', '--use-manual-claim', '--max', '3'], env)
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /convert-all: 3 import\(s\) queued, 0 already had one/)
  const imports = await h.db.selectFrom('imports').innerJoin('users', 'users.id', 'imports.requested_by').select(['imports.recording_id', 'users.username', 'imports.state']).orderBy('recording_id').execute()
  t.same(imports.map((i) => i.state), ['queued', 'queued', 'queued'])
  t.same(imports.filter((i) => i.username === 'alice').map((i) => i.recording_id).sort(), [ids[6], ids[7]].sort(), 'the newest three: two of them alice\'s')
  const jobs = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'import'`.execute(h.db)
  t.equal(jobs.rows[0]!.n, 3, 'each with its job')

  const again = await cli(['sync', '--convert-all', '--max', '3'], env)
  t.match(again.stdout, /convert-all: 0 import\(s\) queued, 3 already had one/, 'never twice')
})
