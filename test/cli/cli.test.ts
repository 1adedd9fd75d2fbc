import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createVerifier } from 'fast-jwt'
import t from 'tap'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { cli } from '../helpers/cli.ts'
import { adminQuery, urlFor } from '../helpers/database.ts'
import { secret, syncHarness } from '../helpers/sync.ts'

t.test('bbb-portal sync, as an admin runs it', async (t) => {
  const all = syntheticRecordings(25)
  const h = await syncHarness(t, { recordings: all })
  const dir = t.testdir()
  const env = { DATABASE_URL: h.handle.url, BBB_URL: h.fake.url, BBB_SECRET: secret, BBB_SOURCE_NAME: 'old', DATA_DIR: dir }

  t.test('--dry with Pod\'s spellings: window and CSV, nothing stored', async (t) => {
    const r = await cli(['sync', '--dry', '--min-value-record-process', '2', '--max-value-record-process', '4', '--use_export_csv'], env, dir)
    t.equal(r.code, 0, r.stderr)
    t.match(r.stdout, /dry run: nothing was written/)
    t.match(r.stdout, /recordings: 3 listed — 3 new/)
    t.match(r.stdout, /CSV written to out\.csv/)
    const csv = readFileSync(path.join(dir, 'out.csv'), 'utf8').trim().split('\n')
    t.equal(csv.length, 4, 'header + the 3 recordings of the window')
    t.equal((await h.rows()).length, 0)
  })

  t.test('--json prints the machine summary; a second run sees nothing new', async (t) => {
    const first = await cli(['sync', '--json'], env)
    t.equal(first.code, 0, first.stderr)
    const summary = JSON.parse(first.stdout)
    t.same([summary.status, summary.listing, summary.counts.new], ['succeeded', 'full', 25], 'a BBB 2.5 server: auto falls back to full')
    const second = JSON.parse((await cli(['sync', '--json', '--source', 'old'], env)).stdout)
    t.same([second.counts.new, second.counts.unchanged], [0, 25])
    t.equal((await h.rows()).length, 25)
  })

  t.test('--export-csv FILE and --use-cache', async (t) => {
    const file = path.join(dir, 'inventaire.csv')
    const r = await cli(['sync', '--use-cache', '--export-csv', file], env)
    t.equal(r.code, 0, r.stderr)
    t.match(r.stdout, /from the cached reply/)
    t.equal(readFileSync(file, 'utf8').trim().split('\n').length, 26)
  })

  t.test('--listing by-record-id --record-ids FILE', async (t) => {
    const ids = path.join(dir, 'ids.txt')
    writeFileSync(ids, `# recordIDs exported from Moodle\n${all[0]!.recordId}\n${all[1]!.recordId}\n`)
    const r = await cli(['sync', '--json', '--listing', 'by-record-id', '--record-ids', ids], env)
    t.same(JSON.parse(r.stdout).counts, { listed: 2, new: 0, updated: 0, unchanged: 2, missing: 0, invalid: 0 })
  })

  t.test('a failed sync exits 1 with BBB\'s story', async (t) => {
    h.fake.faults.push({ kind: 'html', status: 504 })
    const r = await cli(['sync'], env)
    t.equal(r.code, 1)
    t.match(r.stdout, /FAILED: the server answered an HTML page \(HTTP 504\)/)
    t.match(r.stdout, /nothing was marked missing|not complete/)
  })

  t.test('usage errors are clear', async (t) => {
    const unknown = await cli(['sync', '--source', 'nope'], env)
    t.same([unknown.code, unknown.stderr.trim()], [1, 'error: unknown source(s): nope (configured: old)'])
    const window = await cli(['sync', '--min', '5', '--max', '2'], env)
    t.match(window.stderr, /--max \(2\) is below --min \(5\)/)
    const badInt = await cli(['sync', '--min', 'zero'], env)
    t.not(badInt.code, 0)
    const none = await cli(['sync'], { DATABASE_URL: h.handle.url, DATA_DIR: dir })
    t.match(none.stderr, /no BBB source configured/)
    const noMoodle = await cli(['sync', '--use-database-moodle'], env)
    t.same([noMoodle.code, noMoodle.stderr.trim()], [1, 'error: --use-database-moodle: no Moodle database configured (MOODLE_DB_URL, or moodles: in the config file)'])
    const notice = await cli(['moodle-notice', '--dry'], env)
    t.match(notice.stderr, /no Moodle database configured/)
  })

  t.test('orphans are counted in the summary', async (t) => {
    const r = await cli(['sync'], env)
    t.equal(r.code, 0, r.stderr)
    t.match(r.stdout, /owners: 0 recordings with owners, 25 orphaned \(none 25\)/)
  })
})

t.test('configuration errors exit 2 and never print secrets', async (t) => {
  const r = await cli(['sync'], { BBB_URL: 'not a url', BBB_SECRET: 'TOP-SECRET-VALUE', DATABASE_URL: 'mysql://nope' })
  t.equal(r.code, 2)
  t.match(r.stderr, /Invalid configuration:[\s\S]*DATABASE_URL[\s\S]*url: must be an http\(s\) URL/)
  t.notMatch(r.stderr + r.stdout, /TOP-SECRET-VALUE/)
})

t.test('--help on every command', async (t) => {
  for (const [command, expected] of [['sync', /--dry[\s\S]*--min[\s\S]*--use-cache[\s\S]*--export-csv[\s\S]*--json/], ['migrate', /migrations/], ['token', /--admin[\s\S]*--ttl/], ['serve', /--port/], ['demo', /sample BBB/], ['convert', /--width[\s\S]*--webcam[\s\S]*--from/], ['moodle-notice', /--revert[\s\S]*--dry/]] as const) {
    const r = await cli([command, '--help'], {})
    t.equal(r.code, 0)
    t.match(r.stdout, expected, command)
  }
})

t.test('token prints a JWT the API accepts', async (t) => {
  const jwtSecret = 'a-jwt-secret-of-at-least-32-characters!'
  const r = await cli(['token', 'Alice', '--admin', '--ttl', '2h'], { JWT_SECRET: jwtSecret })
  t.equal(r.code, 0, r.stderr)
  const claims = createVerifier({ key: jwtSecret, algorithms: ['HS256'] })(r.stdout.trim())
  t.same([claims.sub, claims.admin, claims.exp - claims.iat], ['alice', true, 7200])
  const bad = await cli(['token', 'bob', '--ttl', 'forever'], { JWT_SECRET: jwtSecret })
  t.match(bad.stderr, /not a duration/)
})

t.test('migrate applies the migrations once', async (t) => {
  const name = `bbb_portal_cli_migrate_${process.pid}`
  await adminQuery(`DROP DATABASE IF EXISTS ${name}`)
  await adminQuery(`CREATE DATABASE ${name}`)
  t.teardown(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
  const first = await cli(['migrate'], { DATABASE_URL: urlFor(name) })
  t.match(first.stdout, /applied: \d+_inventory/)
  const second = await cli(['migrate'], { DATABASE_URL: urlFor(name) })
  t.match(second.stdout, /up to date/)
})
