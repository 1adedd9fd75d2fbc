import { generateKeyPairSync } from 'node:crypto'
import { createSigner } from 'fast-jwt'
import t from 'tap'
import { buildApp, metricsAuth, testConfig } from '../helpers/app.ts'
import { responseErrors, spec } from '../helpers/openapi.ts'
import { portalHarness } from '../helpers/portal.ts'

t.test('teacher API', async (t) => {
  const h = await portalHarness(t, { count: 30 })
  const { app, alice, bob, carol, ids } = h
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>) => app.inject({ method, url, headers })
  const conforms = (t: { same(a: unknown, b: unknown, m: string): unknown }, method: string, path: string,
    res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }) => {
    const type = String(res.headers['content-type']).startsWith('application/problem+json') ? 'application/problem+json' : 'application/json'
    t.same(responseErrors(method, path, res.statusCode, res.json(), type), [], `${method} ${path} ${res.statusCode} matches openapi.yaml`)
  }
  // Position 1 is bob's; alice co-owns it, as a Moodle activity with two teachers would.
  const alice1 = await h.db.selectFrom('users').select('id').where('username', '=', 'alice').executeTakeFirstOrThrow()
  await h.db.insertInto('recording_owners').values({ recording_id: ids[1]!, user_id: alice1.id, reason: 'mapping' }).execute()

  t.test('me', async (t) => {
    const res = await call('GET', '/api/v1/me', alice)
    t.equal(res.statusCode, 200)
    conforms(t, 'GET', '/api/v1/me', res)
    t.match(res.json(), { username: 'alice', email: 'alice@univ.example', admin: false })
  })

  t.test('lists only my recordings, newest first, with the documented shape', async (t) => {
    const res = await call('GET', '/api/v1/recordings?limit=200', alice)
    t.equal(res.statusCode, 200)
    conforms(t, 'GET', '/api/v1/recordings', res)
    const body = res.json()
    t.equal(body.total, 16, '15 of her own and one shared with bob')
    const mine = new Set([...ids.filter((_, i) => i % 2 === 0), ids[1]])
    t.ok(body.data.every((r: { id: number }) => mine.has(r.id)), 'nothing of anyone else')
    const times = body.data.map((r: { startTime: string }) => r.startTime)
    t.same(times, [...times].sort().reverse(), 'newest first')
    t.match(body.data[0], { status: 'pending', import: null, declinedAt: null, missing: false, source: 'old' })
    t.ok(body.data[0].deadline, 'the source shutdown date comes with each recording')
    t.equal((await call('GET', '/api/v1/recordings', carol)).json().total, 0, 'someone owning nothing sees nothing')
  })

  t.test('filters, sort and paging', async (t) => {
    const all = (await call('GET', '/api/v1/recordings?limit=200', alice)).json().data as Array<{ id: number; name: string; course: string | null; startTime: string; durationSeconds: number }>
    const oldest = (await call('GET', '/api/v1/recordings?sort=oldest&limit=3', alice)).json()
    t.same(oldest.data.map((r: { id: number }) => r.id), [...all].reverse().slice(0, 3).map((r) => r.id))
    t.equal(oldest.total, 16)
    const page2 = (await call('GET', '/api/v1/recordings?limit=5&offset=5', alice)).json()
    t.same(page2.data.map((r: { id: number }) => r.id), all.slice(5, 10).map((r) => r.id))
    const beyond = (await call('GET', '/api/v1/recordings?limit=5&offset=100', alice)).json()
    t.same(beyond, { total: 16, data: [] }, 'past the end: no rows, the total still right')
    const course = all.find((r) => r.course)!.course!
    const byCourse = (await call('GET', `/api/v1/recordings?course=${encodeURIComponent(course)}&limit=200`, alice)).json()
    t.ok(byCourse.total >= 1 && byCourse.data.every((r: { course: string }) => r.course === course))
    const q = all[3]!.name.slice(0, 12)
    const byText = (await call('GET', `/api/v1/recordings?q=${encodeURIComponent(q)}&limit=200`, alice)).json()
    t.ok(byText.data.some((r: { id: number }) => r.id === all[3]!.id), 'text search finds it')
    t.ok(byText.data.every((r: { name: string; course: string | null }) => `${r.name} ${r.course}`.toLowerCase().includes(q.toLowerCase())))
    const day = all[4]!.startTime.slice(0, 10)
    const byDay = (await call('GET', `/api/v1/recordings?from=${day}&to=${day}&limit=200`, alice)).json()
    t.ok(byDay.total >= 1 && byDay.data.every((r: { startTime: string }) => r.startTime.startsWith(day)), 'from/to are whole days')
    const longest = (await call('GET', '/api/v1/recordings?sort=longest&limit=200', alice)).json().data.map((r: { durationSeconds: number }) => r.durationSeconds)
    t.same(longest, [...longest].sort((a: number, b: number) => b - a))
    const bad = await call('GET', '/api/v1/recordings?status=bogus&from=yesterday&limit=9999', alice)
    t.equal(bad.statusCode, 400)
    conforms(t, 'GET', '/api/v1/recordings', bad)
    t.same(bad.json()['invalid-params'].map((p: { name: string }) => p.name).sort(), ['from', 'limit', 'status.0'])
  })

  t.test("another user's recording is a 404, like one that does not exist", async (t) => {
    const bobs = ids[3]!
    const other = await call('GET', `/api/v1/recordings/${bobs}`, alice)
    const none = await call('GET', '/api/v1/recordings/999999', alice)
    t.equal(other.statusCode, 404)
    conforms(t, 'GET', '/api/v1/recordings/{id}', other)
    t.same({ ...other.json(), instance: null }, { ...none.json(), instance: null }, 'the same answer: ids reveal nothing')
    for (const [method, url] of [['POST', `/api/v1/recordings/${bobs}/import`], ['POST', `/api/v1/recordings/${bobs}/decline`], ['DELETE', `/api/v1/recordings/${bobs}/decline`]] as const) {
      t.equal((await call(method, url, alice)).statusCode, 404, `${method} ${url}`)
    }
    t.equal((await call('GET', `/api/v1/recordings/${bobs}`, bob)).statusCode, 200, 'its owner sees it')
  })

  t.test('import: 202 once, then 200 with the same import; concurrent clicks make one', async (t) => {
    const id = ids[0]!
    const first = await call('POST', `/api/v1/recordings/${id}/import`, alice)
    t.equal(first.statusCode, 202)
    conforms(t, 'POST', '/api/v1/recordings/{id}/import', first)
    t.match(first.json(), { recordingId: id, state: 'queued', attempts: 0, error: null })
    const again = await call('POST', `/api/v1/recordings/${id}/import`, alice)
    t.equal(again.statusCode, 200)
    t.equal(again.json().id, first.json().id)

    const target = ids[2]!
    const burst = await Promise.all(Array.from({ length: 12 }, () => call('POST', `/api/v1/recordings/${target}/import`, alice)))
    t.same(burst.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 202])
    t.equal(new Set(burst.map((r) => r.json().id)).size, 1, 'every answer names the same import')
    const rows = await h.db.selectFrom('imports').select('id').where('recording_id', '=', target).execute()
    t.equal(rows.length, 1, 'one row in the database')

    const shown = (await call('GET', `/api/v1/recordings/${id}`, alice)).json()
    t.match(shown, { status: 'queued', import: { id: first.json().id, state: 'queued' } })
  })

  t.test("an import by one owner is every owner's", async (t) => {
    const shared = ids[1]!
    const byBob = await call('POST', `/api/v1/recordings/${shared}/import`, bob)
    t.equal(byBob.statusCode, 202)
    const byAlice = await call('POST', `/api/v1/recordings/${shared}/import`, alice)
    t.equal(byAlice.statusCode, 200)
    t.equal(byAlice.json().id, byBob.json().id)
    t.equal((await call('GET', `/api/v1/imports/${byBob.json().id}`, alice)).statusCode, 200)
  })

  t.test('decline, undo, and what cannot be declined', async (t) => {
    const id = ids[4]!
    const declined = await call('POST', `/api/v1/recordings/${id}/decline`, alice)
    t.equal(declined.statusCode, 200)
    conforms(t, 'POST', '/api/v1/recordings/{id}/decline', declined)
    t.equal(declined.json().status, 'declined')
    t.ok(declined.json().declinedAt)
    t.equal((await call('GET', '/api/v1/recordings?status=declined', alice)).json().total, 1)
    const undone = await call('DELETE', `/api/v1/recordings/${id}/decline`, alice)
    t.match(undone.json(), { status: 'pending', declinedAt: null })

    await call('POST', `/api/v1/recordings/${id}/decline`, alice)
    const imported = await call('POST', `/api/v1/recordings/${id}/import`, alice)
    t.equal(imported.statusCode, 202, 'importing a declined recording takes the decline back')
    t.match((await call('GET', `/api/v1/recordings/${id}`, alice)).json(), { status: 'queued', declinedAt: null })

    const busy = await call('POST', `/api/v1/recordings/${id}/decline`, alice)
    t.equal(busy.statusCode, 409)
    conforms(t, 'POST', '/api/v1/recordings/{id}/decline', busy)
    t.equal(busy.json().code, 'import-under-way')
    await h.db.updateTable('imports').set({ state: 'done', pod_video_url: 'https://pod.univ.example/video/0001-x/' }).where('recording_id', '=', id).execute()
    const done = await call('POST', `/api/v1/recordings/${id}/decline`, alice)
    t.equal(done.json().code, 'already-imported')
    t.match((await call('GET', `/api/v1/recordings/${id}`, alice)).json(), { status: 'done', import: { podVideoUrl: 'https://pod.univ.example/video/0001-x/' } })
    t.equal((await call('POST', `/api/v1/recordings/${id}/import`, alice)).statusCode, 200, 'a done import is never made twice')
  })

  t.test('cancel an import; then it can be asked again', async (t) => {
    const id = ids[6]!
    const created = (await call('POST', `/api/v1/recordings/${id}/import`, alice)).json()
    t.equal((await call('DELETE', `/api/v1/imports/${created.id}`, carol)).statusCode, 404, 'not an owner: 404')
    const cancelled = await call('DELETE', `/api/v1/imports/${created.id}`, alice)
    t.equal(cancelled.statusCode, 200)
    conforms(t, 'DELETE', '/api/v1/imports/{id}', cancelled)
    t.match(cancelled.json(), { state: 'cancelled' })
    t.ok(cancelled.json().finishedAt)
    const twice = await call('DELETE', `/api/v1/imports/${created.id}`, alice)
    t.equal(twice.statusCode, 409)
    t.equal(twice.json().code, 'import-ended')
    t.equal((await call('GET', `/api/v1/recordings/${id}`, alice)).json().status, 'pending')
    const anew = await call('POST', `/api/v1/recordings/${id}/import`, alice)
    t.equal(anew.statusCode, 202)
    t.not(anew.json().id, created.id)
    const got = await call('GET', `/api/v1/imports/${anew.json().id}`, alice)
    conforms(t, 'GET', '/api/v1/imports/{id}', got)
  })

  t.test('a failed import shows its reason and can be retried', async (t) => {
    const id = ids[8]!
    const created = (await call('POST', `/api/v1/recordings/${id}/import`, alice)).json()
    await h.db.updateTable('imports').set({ state: 'failed', error: 'Pod refused the file' }).where('id', '=', created.id).execute()
    t.match((await call('GET', `/api/v1/recordings/${id}`, alice)).json(), { status: 'failed', import: { error: 'Pod refused the file' } })
    t.equal((await call('POST', `/api/v1/recordings/${id}/import`, alice)).statusCode, 202)
  })

  t.test('a recording gone from its server cannot be imported', async (t) => {
    const id = ids[10]!
    await h.db.updateTable('recordings').set({ missing_since: new Date() }).where('id', '=', id).execute()
    const res = await call('POST', `/api/v1/recordings/${id}/import`, alice)
    t.equal(res.statusCode, 409)
    t.equal(res.json().code, 'recording-missing')
    t.equal((await call('GET', `/api/v1/recordings/${id}`, alice)).json().missing, true)
  })

  t.test('without a valid token: 401 problem+json', async (t) => {
    const none = await app.inject({ method: 'GET', url: '/api/v1/recordings' })
    t.equal(none.statusCode, 401)
    t.match(none.headers['content-type'], /application\/problem\+json/)
    conforms(t, 'GET', '/api/v1/recordings', none)
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'alice', exp: 9e9 })).toString('base64url')}.`
    const noExp = createSigner({ key: 'test-jwt-secret-that-is-long-enough-0123', algorithm: 'HS256' })({ sub: 'alice' })
    const expired = createSigner({ key: 'test-jwt-secret-that-is-long-enough-0123', algorithm: 'HS256' })({ sub: 'alice', exp: Math.floor(Date.now() / 1000) - 10 })
    const wrongKey = createSigner({ key: 'another-secret-another-secret-another!', algorithm: 'HS256', expiresIn: 60_000 })({ sub: 'alice' })
    const otherAlgorithm = createSigner({ key: 'test-jwt-secret-that-is-long-enough-0123', algorithm: 'HS512', expiresIn: 60_000 })({ sub: 'alice' })
    for (const [why, token] of [['alg none', unsigned], ['no exp', noExp], ['expired', expired], ['wrong key', wrongKey], ['HS512', otherAlgorithm], ['garbage', 'abc']]) {
      t.equal((await call('GET', '/api/v1/me', { authorization: `Bearer ${token}` })).statusCode, 401, String(why))
    }
  })

  t.test('a signed token whose sub is not a name is a 401, and creates no user', async (t) => {
    const sign = createSigner({ key: 'test-jwt-secret-that-is-long-enough-0123', algorithm: 'HS256', expiresIn: 60_000 })
    const users = async () => (await h.db.selectFrom('users').select('id').execute()).length
    const before = await users()
    for (const sub of [42, '', '   ', ['alice'], { name: 'alice' }, 'a\u0000b']) {
      const res = await call('GET', '/api/v1/me', { authorization: `Bearer ${sign({ sub })}` })
      t.equal(res.statusCode, 401, JSON.stringify(sub))
    }
    t.equal(await users(), before, 'no user was created')
  })

  t.test('a NUL byte in any text is a 400, never a database error', async (t) => {
    for (const url of ['/api/v1/recordings?q=a%00b', '/api/v1/recordings?course=%00', '/api/v1/admin/recordings?q=x%00', '/api/v1/admin/audit?actor=%00']) {
      const res = await call('GET', url, url.includes('/admin/') ? h.admin : alice)
      t.equal(res.statusCode, 400, url)
      t.match(res.json(), { status: 400, detail: /NUL/ })
    }
  })

  t.test('a token checked once still stops at its exp', async (t) => {
    const token = createSigner({ key: 'test-jwt-secret-that-is-long-enough-0123', algorithm: 'HS256' })({ sub: 'alice', exp: Math.floor(Date.now() / 1000) + 2 })
    const auth = { authorization: `Bearer ${token}` }
    t.equal((await call('GET', '/api/v1/me', auth)).statusCode, 200)
    t.equal((await call('GET', '/api/v1/me', auth)).statusCode, 200, 'again, from the verified tokens')
    await new Promise((resolve) => setTimeout(resolve, (Math.floor(Date.now() / 1000) + 3) * 1000 - Date.now()))
    t.equal((await call('GET', '/api/v1/me', auth)).statusCode, 401, 'refused once expired')
  })

  t.test('a query is refused each time it is wrong, and each user gets their own answer to it', async (t) => {
    for (let i = 0; i < 2; i++) t.equal((await call('GET', '/api/v1/recordings?limit=0', alice)).statusCode, 400, `refused, time ${i + 1}`)
    const asAlice = (await call('GET', '/api/v1/recordings?sort=oldest&limit=3', alice)).json()
    const asBob = (await call('GET', '/api/v1/recordings?sort=oldest&limit=3', bob)).json()
    t.equal(asAlice.total, 16)
    t.not(asBob.data[0].id, asAlice.data[0].id, 'the same query string, another user, another answer')
  })

  t.test('security headers on every kind of answer', async (t) => {
    for (const url of ['/api/v1/recordings', '/api/v1/nothing-here', '/static/portal.css', '/healthz']) {
      const res = await app.inject({ method: 'GET', url, headers: alice })
      t.match(String(res.headers['content-security-policy']), /default-src 'self'/, `${url}: CSP`)
      t.equal(res.headers['x-content-type-options'], 'nosniff', `${url}: nosniff`)
      t.equal(res.headers['x-frame-options'], 'SAMEORIGIN', `${url}: framing`)
    }
  })

  t.test('every API route is in openapi.yaml with its operationId', async (t) => {
    const api = h.routes.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS' && (/^\/api\/v1\//.test(r.url) || ['/health', '/healthz', '/readyz', '/metrics'].includes(r.url)))
    t.ok(api.length >= 14)
    for (const { method, url } of api) {
      const path = url.replace(/:(\w+)/g, '{$1}')
      t.ok(Boolean(spec.paths[path]?.[method.toLowerCase()]?.operationId), `${method} ${path}`)
    }
    const documented = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    const served = new Set(api.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`))
    t.same(documented.filter((d) => !served.has(d)), [], 'and nothing documented is missing')
  })

  t.test('health, readiness, metrics, docs', async (t) => {
    t.same((await app.inject('/healthz')).json(), { status: 'ok' })
    const ready = await app.inject('/readyz')
    t.equal(ready.statusCode, 200)
    t.equal((await app.inject('/metrics')).statusCode, 401, 'metrics need the token')
    t.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-wrong-token' } })).statusCode, 401)
    t.equal((await app.inject({ url: '/metrics', headers: alice })).statusCode, 401, "a teacher's token is not the metrics token")
    const metrics = await app.inject({ url: '/metrics', headers: metricsAuth })
    t.equal(metrics.statusCode, 200)
    const base = testConfig()
    const { app: off } = await buildApp(t, h.db, { ...base, api: { ...base.api, metricsToken: undefined } })
    t.equal((await off.inject({ url: '/metrics', headers: metricsAuth })).statusCode, 404, 'without METRICS_TOKEN: no metrics at all')
    t.match(metrics.body, /http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/recordings\/:id"/)
    t.notMatch(metrics.body, /route="\/api\/v1\/recordings\/\d+/, 'routes by pattern, not by id')
    const docs = await app.inject('/api/docs/json')
    t.equal(docs.statusCode, 200)
    t.ok(docs.json().paths['/api/v1/recordings'], 'Swagger UI serves openapi.yaml')
    t.equal((await app.inject('/api/docs/')).statusCode, 200)
  })
})

t.test('tokens signed by Pod (API_JWT_ISSUERS)', async (t) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const podSecret = 'pod-shared-secret-pod-shared-secret-0123'
  const h = await portalHarness(t, {
    count: 6,
    env: {
      API_JWT_ISSUERS: JSON.stringify([
        { issuer: 'https://pod.univ.example', audience: 'bbb-portal', secret: podSecret },
        { issuer: 'https://pod-rsa.univ.example', publicKey: pem, algorithms: ['RS256'] },
      ]),
      CORS_ORIGINS: 'https://pod.univ.example',
    },
  })
  const me = (token: string) => h.app.inject({ method: 'GET', url: '/api/v1/recordings', headers: { authorization: `Bearer ${token}` } })
  const hs = (claims: Record<string, unknown>, key = podSecret) => createSigner({ key, algorithm: 'HS256', expiresIn: 60_000 })(claims)

  const ok = await me(hs({ iss: 'https://pod.univ.example', aud: 'bbb-portal', sub: 'Alice' }))
  t.equal(ok.statusCode, 200)
  t.equal(ok.json().total, 3, "sub is the username (any case): alice's recordings")
  t.equal((await me(hs({ iss: 'https://pod.univ.example', aud: 'someone-else', sub: 'alice' }))).statusCode, 401, 'wrong audience')
  t.equal((await me(hs({ iss: 'https://pod.univ.example', aud: 'bbb-portal' }))).statusCode, 401, 'no sub')
  t.equal((await me(createSigner({ key: podSecret, algorithm: 'HS256' })({ iss: 'https://pod.univ.example', aud: 'bbb-portal', sub: 'alice' }))).statusCode, 401, 'no exp')
  t.equal((await me(hs({ iss: 'https://pod.univ.example', aud: 'bbb-portal', sub: 'alice' }, 'x'.repeat(40)))).statusCode, 401, 'wrong secret')

  const rs = createSigner({ key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'RS256', expiresIn: 60_000 })
  t.equal((await me(rs({ iss: 'https://pod-rsa.univ.example', sub: 'bob' }))).json().total, 3, 'RS256 with the public key')
  // The classic confusion: an HS256 token whose "secret" is the public key must not pass.
  const confused = createSigner({ key: pem, algorithm: 'HS256', expiresIn: 60_000 })({ iss: 'https://pod-rsa.univ.example', sub: 'bob' })
  t.equal((await me(confused)).statusCode, 401, 'algorithm pinned: HS256 with the public key is refused')
  const adminClaim = await h.app.inject({ method: 'GET', url: '/api/v1/admin/recordings', headers: { authorization: `Bearer ${hs({ iss: 'https://pod.univ.example', aud: 'bbb-portal', sub: 'alice', admin: true })}` } })
  t.equal(adminClaim.statusCode, 403, "another issuer's token never makes an admin")

  const preflight = await h.app.inject({ method: 'OPTIONS', url: '/api/v1/recordings', headers: { origin: 'https://pod.univ.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } })
  t.equal(preflight.headers['access-control-allow-origin'], 'https://pod.univ.example', "CORS for Pod's origin")
  const stranger = await h.app.inject({ method: 'OPTIONS', url: '/api/v1/recordings', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } })
  t.notOk(stranger.headers['access-control-allow-origin'], 'no CORS for anyone else')
})

t.test('API rate limit answers 429 problem+json', async (t) => {
  const h = await portalHarness(t, { count: 2, env: { API_RATE_LIMIT: '3' } })
  const codes = []
  for (let i = 0; i < 5; i++) codes.push((await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: h.alice })).statusCode)
  t.same(codes, [200, 200, 200, 429, 429])
  const limited = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: h.alice })
  t.match(limited.headers['content-type'], /application\/problem\+json/)
  t.equal(limited.json().status, 429)
})

t.test("list answers are reused for API_CACHE_TTL, and dropped by the user's own changes", async (t) => {
  const h = await portalHarness(t, { count: 6, env: { API_CACHE_TTL: '60' } })
  const list = async () => (await h.app.inject({ method: 'GET', url: '/api/v1/recordings', headers: h.alice })).json()
  const first = await list()
  t.equal(first.data[0].status, 'pending')
  await h.db.updateTable('recordings').set({ declined_at: new Date() }).execute()
  t.equal((await list()).data[0].status, 'pending', 'a change made elsewhere shows only after the delay')
  t.equal((await h.app.inject({ method: 'GET', url: '/api/v1/recordings?sort=oldest', headers: h.alice })).json().data[0].status, 'declined', 'another query is its own entry')
  await h.app.inject({ method: 'POST', url: `/api/v1/recordings/${first.data[0].id}/import`, headers: h.alice })
  t.equal((await list()).data[0].status, 'queued', "the user's own change shows at once")
  const bobs = (await h.app.inject({ method: 'GET', url: '/api/v1/recordings', headers: h.bob })).json()
  t.ok(bobs.data.every((r: { id: number }) => !first.data.some((a: { id: number }) => a.id === r.id)), 'entries are per user')
})
