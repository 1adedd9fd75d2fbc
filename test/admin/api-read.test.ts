import t from 'tap'
import { signToken } from '../../src/auth/tokens.ts'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { buildApp, jwtSecret } from '../helpers/app.ts'
import { responseErrors } from '../helpers/openapi.ts'
import { syncHarness } from '../helpers/sync.ts'

t.test('admin read API', async (t) => {
  const all = syntheticRecordings(40)
  const h = await syncHarness(t, { recordings: all })
  await h.service.syncSource(h.source)
  h.fake.recordings = all.slice(1)
  await h.service.syncSource(h.source)
  const { app, admin, teacher } = await buildApp(t, h.db)
  const get = (url: string, headers: Record<string, string> = admin) => app.inject({ method: 'GET', url, headers })

  t.test('lists recordings with the documented shape, newest first', async (t) => {
    const res = await get('/api/v1/admin/recordings?limit=5')
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.same(responseErrors('GET', '/api/v1/admin/recordings', 200, body), [])
    t.equal(body.total, 40)
    t.equal(body.data.length, 5)
    const newest = [...all].sort((a, b) => b.startTime - a.startTime)[0]!
    t.equal(body.data[0].recordId, newest.recordId)
    t.equal(body.data[0].startTime, new Date(newest.startTime).toISOString())
    t.same(body.data[0].formats.map((f: { type: string }) => f.type), newest.formats.map((f) => f.type))
    t.equal(body.data[0].metadata['bbb-origin'], newest.metadata['bbb-origin'])
  })

  t.test('filters: source, state, missing, q, offset', async (t) => {
    t.equal((await get('/api/v1/admin/recordings?source=old')).json().total, 40)
    t.equal((await get('/api/v1/admin/recordings?source=elsewhere')).json().total, 0)
    const unpublished = all.filter((r) => r.state === 'unpublished').length
    t.equal((await get('/api/v1/admin/recordings?state=unpublished')).json().total, unpublished)
    const missing = (await get('/api/v1/admin/recordings?missing=true')).json()
    t.same(missing.data.map((r: { recordId: string }) => r.recordId), [all[0]!.recordId])
    t.ok(missing.data[0].missingSince)
    t.equal((await get('/api/v1/admin/recordings?missing=false')).json().total, 39)
    t.equal((await get(`/api/v1/admin/recordings?q=${all[7]!.recordId.slice(0, 12)}`)).json().data[0].recordId, all[7]!.recordId)
    t.equal((await get('/api/v1/admin/recordings?q=100%25')).json().total, 0, '% is matched literally')
    const page2 = (await get('/api/v1/admin/recordings?limit=10&offset=10')).json()
    const page1 = (await get('/api/v1/admin/recordings?limit=10')).json()
    t.notSame(page2.data[0].id, page1.data[0].id)
  })

  t.test('lists sync runs', async (t) => {
    const res = await get('/api/v1/admin/sync-runs')
    t.equal(res.statusCode, 200)
    t.same(responseErrors('GET', '/api/v1/admin/sync-runs', 200, res.json()), [])
    t.same(res.json().data.map((r: { counts: { missing: number } }) => r.counts.missing), [1, 0])
  })

  t.test('refusals are problem+json: 401 without or with a bad token, 403 for a teacher, 400 on bad input', async (t) => {
    for (const [headers, status] of [
      [{}, 401],
      [{ authorization: 'Bearer nonsense' }, 401],
      [{ authorization: `Bearer ${signToken('another-secret-which-is-long-enough-xx', { sub: 'x', admin: true })}` }, 401],
      [{ authorization: `Bearer ${signToken(jwtSecret, { sub: 'x', admin: true }, '0s')}` }, 401],
      [teacher, 403],
    ] as const) {
      const res = await get('/api/v1/admin/recordings', headers as Record<string, string>)
      t.equal(res.statusCode, status)
      t.match(res.headers['content-type'], /^application\/problem\+json/)
      t.same(responseErrors('GET', '/api/v1/admin/recordings', status, res.json(), 'application/problem+json'), [])
      t.notMatch(res.body, /recordId/, 'no data leaks')
    }
    const bad = await get('/api/v1/admin/recordings?limit=100000&missing=maybe&extra=1')
    t.equal(bad.statusCode, 400)
    t.same(bad.json()['invalid-params'].map((p: { name: string }) => p.name).sort(), ['', 'limit', 'missing'])
    t.same(responseErrors('GET', '/api/v1/admin/recordings', 400, bad.json(), 'application/problem+json'), [])
    const unknown = await get('/api/v1/nothing-here')
    t.same([unknown.statusCode, unknown.json().title], [404, 'Not Found'])
  })
})
