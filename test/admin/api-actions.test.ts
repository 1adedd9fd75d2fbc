import t from 'tap'
import { signToken } from '../../src/auth/tokens.ts'
import { cli } from '../helpers/cli.ts'
import { buildApp, jwtSecret } from '../helpers/app.ts'
import { responseErrors } from '../helpers/openapi.ts'
import { portalHarness } from '../helpers/portal.ts'
import { secret } from '../helpers/sync.ts'

t.test('admin actions', async (t) => {
  const h = await portalHarness(t, { count: 30 })
  const admin = { authorization: `Bearer ${signToken(jwtSecret, { sub: 'chef', admin: true })}` }
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = admin) =>
    h.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) })
  // Odd positions from 10 on belong to nobody: the sync found no owner.
  const orphans = h.ids.filter((_, i) => i % 2 === 1 && i >= 10)
  await h.db.insertInto('recording_ownership').values(orphans.map((id) => ({ recording_id: id, owner_match: 'none', orphaned: true, moodle_activity_id: null, moodle_course_id: null, checked_at: new Date() }))).execute()
  const board = async () => (await call('GET', '/api/v1/admin/sources/old')).json()

  t.test('admins only: 401 without a token, 403 for a teacher, on every action', async (t) => {
    const routes = h.routes.filter((r) => r.url.startsWith('/api/v1/admin/') && r.method !== 'HEAD')
    t.ok(routes.length >= 15)
    for (const { method, url } of routes) {
      const path = url.replace(':id', String(h.ids[0])).replace(':name', 'old').replace(':username', 'alice')
      t.equal((await h.app.inject({ method: method as 'GET', url: path })).statusCode, 401, `${method} ${url} without a token`)
      t.equal((await h.app.inject({ method: method as 'GET', url: path, headers: h.alice, payload: {} })).statusCode, 403, `${method} ${url} as a teacher`)
    }
  })

  t.test('unknown ids answer 404 problem+json', async (t) => {
    for (const [method, url, body] of [
      ['POST', '/api/v1/admin/recordings/999999/owners', { usernames: ['x'] }], ['DELETE', '/api/v1/admin/recordings/999999/owners/x', undefined],
      ['POST', '/api/v1/admin/recordings/999999/abandon', { reason: 'x' }], ['DELETE', '/api/v1/admin/recordings/999999/abandon', undefined],
      ['POST', '/api/v1/admin/recordings/999999/import', undefined], ['POST', '/api/v1/admin/imports/999999/retry', undefined],
      ['DELETE', '/api/v1/admin/imports/999999', undefined], ['GET', '/api/v1/admin/sources/nope/report', undefined],
      ['POST', '/api/v1/admin/sources/nope/sync', { dry: true }], ['POST', '/api/v1/admin/sources/nope/moodle-notice', { action: 'preview' }],
    ] as const) {
      const res = await call(method, url, body)
      t.equal(res.statusCode, 404, `${method} ${url}`)
      t.match(res.headers['content-type'], /application\/problem\+json/)
    }
  })

  t.test('the dashboard counts every recording of the source', async (t) => {
    const res = await call('GET', '/api/v1/admin/sources/old')
    t.equal(res.statusCode, 200)
    t.same(responseErrors('GET', '/api/v1/admin/sources/{name}', 200, res.json()), [])
    t.match(res.json(), { source: 'old', counts: { total: 30, awaiting: 20, orphaned: 10, imported: 0 }, safeToShutDown: false, queue: 0, etaHours: 0 })
    t.ok(res.json().mediaHours.total > 0 && res.json().daysLeft >= 29)
    t.same((await call('GET', '/api/v1/admin/sources')).json().data.map((d: { source: string }) => d.source), ['old'])
    t.equal((await call('GET', '/api/v1/admin/sources/nope')).statusCode, 404)
  })

  t.test('a sync from the console: the dry run first, then applied', async (t) => {
    const { app } = await buildApp(t, h.db, h.config, { sync: h.service })
    h.fake.recordings = h.fake.recordings.slice(1)
    const dry = await app.inject({ method: 'POST', url: '/api/v1/admin/sources/old/sync', headers: admin, payload: { dry: true } })
    t.equal(dry.statusCode, 200)
    t.same(responseErrors('POST', '/api/v1/admin/sources/{name}/sync', 200, dry.json()), [])
    t.match(dry.json(), { dry: true, status: 'succeeded', counts: { listed: 29, missing: 1 } }, String(dry.json().error))
    t.equal(dry.json().changes.missing.length, 1, 'the diff names what would change')
    t.equal((await h.db.selectFrom('recordings').select('id').where('missing_since', 'is not', null).execute()).length, 0, 'dry: nothing written')
    const applied = await app.inject({ method: 'POST', url: '/api/v1/admin/sources/old/sync', headers: admin, payload: { dry: false } })
    t.match(applied.json(), { dry: false, status: 'succeeded', counts: { missing: 1 } })
    t.equal((await h.db.selectFrom('recordings').select('id').where('missing_since', 'is not', null).execute()).length, 1)
    t.equal((await call('GET', '/api/v1/admin/audit?action=source.sync')).json().data.length, 1, 'the applied one is audited')
    t.equal((await call('POST', '/api/v1/admin/sources/old/sync', { dry: true })).statusCode, 503, 'a process without the sync says so')
    t.equal((await call('POST', '/api/v1/admin/sources/old/moodle-notice', { action: 'preview' })).statusCode, 503, 'no Moodle configured')
    t.equal((await app.inject({ method: 'POST', url: '/api/v1/admin/sources/old/sync', headers: h.alice, payload: { dry: true } })).statusCode, 403)
    h.fake.recordings = (await import('../../src/demo/synthetic.ts')).syntheticRecordings(30)
    await h.service.syncSource(h.source)
  })

  t.test('the report: Pod\'s columns, owners, where each recording stands; JSON and CSV', async (t) => {
    const json = await call('GET', '/api/v1/admin/sources/old/report')
    t.equal(json.statusCode, 200)
    t.same(responseErrors('GET', '/api/v1/admin/sources/{name}/report', 200, json.json()), [])
    const rows = json.json().data as Array<Record<string, string>>
    t.equal(rows.length, 30)
    t.same(Object.keys(rows[0]!).slice(0, 14), ['meeting_name', 'recording_name', 'start_date', 'origin', 'origin_server_name', 'origin_version', 'origin_context', 'origin_id', 'origin_label', 'description', 'published', 'state', 'source_url', 'Moodle_owners'])
    t.equal(rows.filter((r) => r.status === 'orphaned').length, 10)
    t.ok(rows.some((r) => r.Moodle_owners === 'alice (alice)'))
    const csv = await call('GET', '/api/v1/admin/sources/old/report?format=csv')
    t.match(csv.headers['content-type'], /text\/csv/)
    const lines = csv.body.trim().split('\n')
    t.equal(lines.length, 31, 'a header and 30 rows')
    t.match(lines[0], /^meeting_name;recording_name;start_date;/)
    const formulas = ['=HYPERLINK("https://evil.example","x")', "=cmd|' /C calc'!A0", '+1+1', '@SUM(A1)', '-2+3']
    const ids = (await h.db.selectFrom('recordings').select('id').orderBy('id').limit(formulas.length).execute()).map((r) => r.id)
    for (const [i, name] of formulas.entries()) await h.db.updateTable('recordings').set({ meeting_name: name }).where('id', '=', ids[i]!).execute()
    const neutral = (await call('GET', '/api/v1/admin/sources/old/report?format=csv')).body
    for (const name of formulas) t.ok(neutral.includes(`'${name.replace(/"/g, '""')}`), `${name} starts with an apostrophe`)
    t.notMatch(neutral, /(^|;|")[=+@]/m, 'no cell starts a formula')
  })

  t.test('assign and unassign owners; an unknown username is created; all audited', async (t) => {
    const id = orphans[0]!
    const res = await call('POST', `/api/v1/admin/recordings/${id}/owners`, { usernames: ['Zoe', 'alice'] })
    t.equal(res.statusCode, 200)
    t.same(res.json().owners, [{ username: 'alice', reason: 'admin' }, { username: 'zoe', reason: 'admin' }])
    t.ok(await h.db.selectFrom('users').select('id').where('username', '=', 'zoe').executeTakeFirst(), 'zoe exists now')
    t.equal((await board()).counts.orphaned, 9, 'no longer an orphan')
    const zoe = { authorization: `Bearer ${signToken(jwtSecret, { sub: 'zoe', admin: false })}` }
    t.equal((await call('GET', `/api/v1/recordings/${id}`, undefined, zoe)).statusCode, 200, 'zoe sees it')
    const off = await call('DELETE', `/api/v1/admin/recordings/${id}/owners/zoe`)
    t.same(off.json().owners, [{ username: 'alice', reason: 'admin' }])
    t.equal((await call('GET', `/api/v1/recordings/${id}`, undefined, zoe)).statusCode, 404, 'and no longer')
    t.equal((await call('DELETE', `/api/v1/admin/recordings/${id}/owners/zoe`)).statusCode, 404, 'not an owner any more')
    t.equal((await call('POST', '/api/v1/admin/recordings/999999/owners', { usernames: ['x'] })).statusCode, 404)
    t.same(await h.db.selectFrom('recording_owners').select('user_id').where('recording_id', '=', 999999).execute(), [], 'no owner row for a recording that does not exist')
    t.equal((await call('POST', `/api/v1/admin/recordings/${id}/owners`, { usernames: [] })).statusCode, 400)
    const audit = (await call('GET', `/api/v1/admin/audit?targetId=${id}`)).json().data
    t.same(audit.map((a: { action: string }) => a.action), ['owners.unassign', 'owners.assign'])
    t.match(audit[1], { actor: 'chef', targetType: 'recording', before: [], after: [{ username: 'alice' }, { username: 'zoe' }] })
  })

  t.test('bulk: every orphan of a course label to one teacher', async (t) => {
    const label = (await h.db.selectFrom('recordings').select('metadata').where('id', '=', orphans[1]!).executeTakeFirstOrThrow()).metadata['bbb-context-label']!
    const before = (await board()).counts.orphaned
    const res = await call('POST', '/api/v1/admin/orphans/assign', { filter: { source: 'old', contextLabel: label }, usernames: ['carol'] })
    t.equal(res.statusCode, 200)
    t.ok(res.json().assigned >= 1)
    t.equal((await board()).counts.orphaned, before - res.json().assigned)
    const carols = (await call('GET', '/api/v1/recordings?limit=200', undefined, h.carol)).json()
    t.equal(carols.total, res.json().assigned, 'carol sees exactly those')
  })

  t.test('force an import, retry a failure, cancel', async (t) => {
    const forced = await call('POST', `/api/v1/admin/recordings/${h.ids[0]}/import`)
    t.equal(forced.statusCode, 202)
    t.same(responseErrors('POST', '/api/v1/admin/recordings/{id}/import', 202, forced.json()), [])
    const owner = await h.db.selectFrom('imports').innerJoin('users', 'users.id', 'imports.requested_by').select('users.username').where('imports.id', '=', forced.json().id).executeTakeFirstOrThrow()
    t.equal(owner.username, 'alice', 'on behalf of its owner')
    t.equal((await call('POST', `/api/v1/admin/recordings/${orphans[9]}/import`)).json().code, 'no-owner')
    await h.db.updateTable('imports').set({ state: 'failed', error: 'Pod refused' }).where('id', '=', forced.json().id).execute()
    const failed = (await call('GET', '/api/v1/admin/imports/failed')).json().data
    t.match(failed, [{ id: forced.json().id, error: 'Pod refused', username: 'alice' }])
    const retried = await call('POST', `/api/v1/admin/imports/${forced.json().id}/retry`)
    t.equal(retried.statusCode, 202)
    t.not(retried.json().id, forced.json().id)
    t.same((await call('GET', '/api/v1/admin/imports/failed')).json().data, [], 'a retried failure leaves the list')
    t.equal((await call('POST', `/api/v1/admin/imports/${retried.json().id}/retry`)).statusCode, 409, 'only failures are retried')
    const cancelled = await call('DELETE', `/api/v1/admin/imports/${retried.json().id}`)
    t.equal(cancelled.json().state, 'cancelled')
    t.equal((await call('DELETE', `/api/v1/admin/imports/${retried.json().id}`)).statusCode, 409)
    t.equal((await call('POST', '/api/v1/admin/imports/retry-failed')).json().retried, 0)
  })

  t.test('the verdict: false while one recording waits, true once it is declined', async (t) => {
    const pending = h.ids[4]!
    // Everything else settled: abandoned by the admin (one through the API, the rest at once).
    t.equal((await call('POST', `/api/v1/admin/recordings/${h.ids[6]}/abandon`, { reason: 'test recording' })).statusCode, 204)
    await h.db.updateTable('recordings').set({ abandoned_at: new Date(), abandoned_reason: 'bulk', abandoned_by: 'chef' }).where('id', '!=', pending).execute()
    const waiting = await board()
    t.match(waiting, { counts: { awaiting: 1, abandoned: 29 }, safeToShutDown: false })
    t.equal((await call('POST', `/api/v1/recordings/${pending}/decline`, undefined, h.alice)).statusCode, 200)
    const settled = await board()
    t.match(settled, { counts: { declined: 1, abandoned: 29 }, safeToShutDown: true })
    t.equal(settled.mediaHours.unsettled, 0)
    t.equal((await call('DELETE', `/api/v1/admin/recordings/${h.ids[6]}/abandon`)).statusCode, 204)
    t.equal((await board()).safeToShutDown, false, 'an abandonment taken back unsettles it')
  })

  t.test("bbb-portal decommission: the source leaves teachers' lists, --undo brings it back", async (t) => {
    await h.db.insertInto('imports').values({ recording_id: h.ids[8]!, requested_by: (await h.db.selectFrom('users').select('id').where('username', '=', 'alice').executeTakeFirstOrThrow()).id, state: 'done' }).execute()
    const before = (await call('GET', '/api/v1/recordings?limit=200', undefined, h.alice)).json().total
    const env = { DATABASE_URL: h.handle.url, BBB_URL: h.fake.url, BBB_SECRET: secret, BBB_SOURCE_NAME: 'old', DATA_DIR: t.testdir() }
    const off = await cli(['decommission', '--source', 'old'], env)
    t.equal(off.code, 0, off.stderr)
    t.match(off.stdout, /source "old" is decommissioned/)
    const after = (await call('GET', '/api/v1/recordings?limit=200', undefined, h.alice)).json()
    t.same(after.data.map((r: { id: number }) => r.id), [h.ids[8]], 'only the imported one stays')
    t.equal((await h.db.selectFrom('recordings').select('id').execute()).length, 30, 'nothing deleted')
    t.match((await board()).retiredAt, /^\d{4}-/)
    const back = await cli(['decommission', '--source', 'old', '--undo'], env)
    t.equal(back.code, 0, back.stderr)
    t.equal((await call('GET', '/api/v1/recordings?limit=200', undefined, h.alice)).json().total, before)
    t.equal((await cli(['decommission', '--source', 'nope'], env)).code, 1)
    const audit = (await call('GET', '/api/v1/admin/audit?targetType=source')).json().data.map((a: { action: string }) => a.action)
    t.same(audit.filter((a: string) => a !== 'source.sync'), ['source.restore', 'source.decommission'])
  })
})
