import t from 'tap'
import { safeReturnTo } from '../../src/auth/return-to.ts'
import { pickLanguage } from '../../src/http/i18n.ts'
import { cookieClient, portalHarness } from '../helpers/portal.ts'

t.test('safeReturnTo keeps local paths only', async (t) => {
  t.equal(safeReturnTo('/recordings?status=failed#x'), '/recordings?status=failed#x')
  for (const hostile of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '\r\n/x', '/x\r\nSet-Cookie: a=b', '', undefined, 42, `/${'a'.repeat(3000)}`]) {
    t.equal(safeReturnTo(hostile), '/recordings', JSON.stringify(hostile))
  }
  t.equal(safeReturnTo('/\tevil'), '/recordings', 'control characters')
  for (const dotted of ['/.//evil.example', '/..//evil.example/x', '/a/..//evil.example', '/%2e//evil.example']) {
    t.equal(safeReturnTo(dotted), '/recordings', `${dotted}: its normalised form leaves the site`)
  }
  t.equal(safeReturnTo('/a/../recordings?x=1'), '/recordings?x=1', 'a dotted local path stays local')
})

t.test('language: the choice, else Accept-Language, else French', async (t) => {
  t.equal(pickLanguage(undefined, undefined), 'fr')
  t.equal(pickLanguage(undefined, 'en-GB,en;q=0.9'), 'en')
  t.equal(pickLanguage(undefined, 'de-DE,en;q=0.5,fr;q=0.8'), 'fr', 'by quality')
  t.equal(pickLanguage('en', 'fr-FR'), 'en', 'the cookie wins')
  t.equal(pickLanguage('xx', 'en'), 'en', 'an unknown choice is ignored')
  t.equal(pickLanguage(undefined, 'EN-us;q=0.7, fr-CA;q=0.6'), 'en', 'a region asks for its language, whatever the case')
  t.equal(pickLanguage(undefined, 'en;q=0, de'), 'fr', 'q=0 refuses a language')
})

t.test('pages without JavaScript', async (t) => {
  const h = await portalHarness(t, { count: 30, env: { AUTH: 'demo' } })
  const alice = cookieClient(h.app)

  t.test('a visitor is sent to the login page, and back after login', async (t) => {
    const res = await alice.get('/recordings?sort=oldest')
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/login?returnTo=%2Frecordings%3Fsort%3Doldest')
    const login = await alice.demoLogin('alice', false, res.headers.location as string)
    t.equal(login.statusCode, 303)
    t.equal(login.headers.location, '/recordings?sort=oldest')
    const cookie = login.cookies.find((c) => c.name === 'bbbp_session')!
    t.match(cookie, { httpOnly: true, sameSite: 'Lax', path: '/' })
    // A new login renews the id: the previous token stops working.
    const first = alice.jar.get('bbbp_session')!
    await alice.demoLogin('alice')
    t.not(alice.jar.get('bbbp_session'), first)
    const old = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `bbbp_session=${first}` } })
    t.equal(old.statusCode, 401)
  })

  t.test('the login form needs its CSRF token; demo login only under AUTH=demo', async (t) => {
    const stranger = cookieClient(h.app)
    await stranger.get('/login')
    const res = await stranger.post('/auth/demo', { username: 'mallory' })
    t.equal(res.statusCode, 403)
    t.notOk(stranger.jar.has('bbbp_session'))
  })

  t.test('a CSRF pair made in another browser does not pass here; login rotates the secret', async (t) => {
    const mallory = cookieClient(h.app)
    const planted = async () => {
      const token = await mallory.csrf()
      const victim = cookieClient(h.app)
      await victim.demoLogin('alice')
      victim.jar.set('bbbp_csrf', mallory.jar.get('bbbp_csrf')!)
      return (await victim.post(`/recordings/${h.ids[28]}/undecline`, { _csrf: token })).statusCode
    }
    t.equal(await planted(), 403, "an anonymous visitor's pair, planted (sibling subdomain, http)")
    await mallory.demoLogin('mallory')
    t.equal(await planted(), 403, "mallory's own session's pair")
    const login = await cookieClient(h.app).demoLogin('alice')
    t.ok(login.cookies.some((c) => c.name === 'bbbp_csrf' && c.value === ''), 'the secret made before login is dropped')
  })

  t.test('a form\'s back path leaves the site by no normalisation', async (t) => {
    const csrf = await alice.csrf('/recordings')
    for (const back of ['/.//evil.example', '/%2e//evil.example/x']) {
      const res = await alice.post(`/recordings/${h.ids[28]}/undecline`, { _csrf: csrf, back })
      t.equal(res.headers.location, '/recordings', back)
    }
  })

  t.test('"Mes vidéos externes": my recordings, banner, filters, French by default', async (t) => {
    const res = await alice.get('/recordings')
    t.equal(res.statusCode, 200)
    t.match(res.body, /<html lang="fr">/)
    t.match(res.body, /<h1>Mes vidéos externes<\/h1>/)
    t.match(res.body, /s’arrête le .* il reste (29|30) jours/, 'the shutdown banner with the days left')
    t.match(res.body, /15 enregistrement\(s\)/)
    t.equal((res.body.match(/<tr id="rec-/g) ?? []).length, 15)
    t.match(res.body, /À choisir/)
    t.match(res.body, /Importer dans Pod/)
    t.match(String(res.headers['content-security-policy']), /script-src 'self'/)
    t.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/)
    const en = await alice.get('/recordings', { 'accept-language': 'en-US,en;q=0.9' })
    t.match(en.body, /<h1>My external videos<\/h1>/)
    const filtered = await alice.get('/recordings?status=declined')
    t.match(filtered.body, /Aucun enregistrement ne correspond/)
    const garbage = await alice.get('/recordings?status=<script>&sort=bogus&page=-4&from=x')
    t.equal(garbage.statusCode, 200, 'unknown filter values fall back, the page still shows')
    t.notMatch(garbage.body, /<script>/)
  })

  t.test('import, decline, undo, cancel: forms with a redirect after POST', async (t) => {
    const page = await alice.get('/recordings')
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.body)![1]!
    const id = h.ids[0]!
    const imported = await alice.post(`/recordings/${id}/import`, { _csrf: csrf, back: '/recordings?sort=oldest' })
    t.equal(imported.statusCode, 303)
    t.equal(imported.headers.location, '/recordings?sort=oldest')
    const after = await alice.get('/recordings?sort=oldest')
    t.match(after.body, /Importation demandée : elle démarrera/, 'the flash message, once')
    t.match(after.body, new RegExp(`id="rec-${id}" data-id="${id}" data-live`))
    t.notMatch((await alice.get('/recordings?sort=oldest')).body, /Importation demandée : elle démarrera/, 'gone on the next page')
    const again = await alice.post(`/recordings/${id}/import`, { _csrf: csrf })
    t.equal(again.statusCode, 303)
    t.equal((await h.db.selectFrom('imports').select('id').where('recording_id', '=', id).execute()).length, 1, 'a second click makes no second import')
    const importId = (await h.db.selectFrom('imports').select('id').where('recording_id', '=', id).executeTakeFirstOrThrow()).id
    t.equal((await alice.post(`/imports/${importId}/cancel`, { _csrf: csrf })).statusCode, 303)
    t.equal((await alice.post(`/recordings/${id}/decline`, { _csrf: csrf })).statusCode, 303)
    t.match((await alice.get('/recordings?status=declined')).body, /Non conservé/)
    t.equal((await alice.post(`/recordings/${id}/undecline`, { _csrf: csrf })).statusCode, 303)
    t.equal((await alice.get('/recordings?status=declined')).body.match(/<tr id="rec-/g), null)
    t.equal((await alice.post(`/recordings/${id}/decline`, {})).statusCode, 403, 'no token, no action')
    const hostileBack = await alice.post(`/recordings/${id}/decline`, { _csrf: csrf, back: 'https://evil.example/' })
    t.equal(hostileBack.headers.location, '/recordings', 'the redirect after POST stays local')
  })

  t.test('bulk import and decline', async (t) => {
    const csrf = await alice.csrf('/recordings')
    const ids = [h.ids[2]!, h.ids[4]!, h.ids[6]!, h.ids[3]!] // the last one is bob's
    const res = await alice.post('/recordings/bulk', { _csrf: csrf, action: 'import', ids: ids.map(String), back: '/recordings' })
    t.equal(res.statusCode, 303)
    t.match((await alice.get('/recordings')).body, /3 enregistrement\(s\) traités/, "bob's recording is skipped, not imported")
    const rows = await h.db.selectFrom('imports').select('recording_id').where('recording_id', 'in', ids).execute()
    t.same(rows.map((r) => r.recording_id).sort(), ids.slice(0, 3).sort())
    await alice.post('/recordings/bulk', { _csrf: csrf, action: 'decline', ids: [String(h.ids[8]), String(h.ids[2])] })
    t.match((await alice.get('/recordings')).body, /1 enregistrement\(s\) traités/, 'one under way cannot be declined')
  })

  t.test("another user's recording: 404 page", async (t) => {
    const csrf = await alice.csrf('/recordings')
    const res = await alice.post(`/recordings/${h.ids[3]}/import`, { _csrf: csrf })
    t.equal(res.statusCode, 404)
    t.match(res.headers['content-type'], /text\/html/)
    t.match(res.body, /Erreur 404/)
  })

  t.test('the admin console is for admins only', async (t) => {
    for (const url of ['/admin', '/admin/orphans', '/admin/imports', '/admin/audit']) {
      const res = await alice.get(url)
      t.equal(res.statusCode, 403, url)
      t.match(res.body, /Erreur 403/)
    }
    const csrf = await alice.csrf('/recordings')
    t.equal((await alice.post(`/admin/recordings/${h.ids[1]}/owners`, { _csrf: csrf, usernames: 'alice' })).statusCode, 403)
    t.equal((await cookieClient(h.app).get('/admin')).headers.location, '/login?returnTo=%2Fadmin', 'a visitor is sent to log in')
  })

  t.test('live rows: the JSON the page script polls', async (t) => {
    const res = await alice.get(`/recordings/rows?ids=${h.ids[2]},${h.ids[3]},${h.ids[4]}`, { accept: 'application/json' })
    t.equal(res.statusCode, 200)
    const rows = res.json().rows as Array<{ id: number; live: boolean; html: string }>
    t.same(rows.map((r) => r.id).sort(), [h.ids[2], h.ids[4]].sort(), "only mine (not bob's)")
    t.ok(rows.every((r) => r.live && /Importation demandée/.test(r.html)))
  })

  t.test('the language switch is remembered', async (t) => {
    const csrf = await alice.csrf('/recordings')
    const res = await alice.post('/lang', { _csrf: csrf, lang: 'en', back: '/recordings?sort=name' })
    t.equal(res.headers.location, '/recordings?sort=name')
    t.match((await alice.get('/recordings')).body, /<html lang="en">/)
  })

  t.test('logout ends the session on the server', async (t) => {
    const session = alice.jar.get('bbbp_session')!
    const csrf = await alice.csrf('/recordings')
    t.equal((await alice.post('/logout', { _csrf: csrf })).headers.location, '/login')
    const replayed = await h.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `bbbp_session=${session}` } })
    t.equal(replayed.statusCode, 401, 'the old cookie opens nothing')
  })

  t.test('idle and absolute timeouts', async (t) => {
    const bob = cookieClient(h.app)
    await bob.demoLogin('bob')
    t.equal((await bob.api('GET', '/api/v1/me')).statusCode, 200)
    await h.db.updateTable('sessions').set({ last_seen_at: new Date(Date.now() - 3 * 3600_000) }).execute()
    t.equal((await bob.api('GET', '/api/v1/me')).statusCode, 401, 'idle for longer than SESSION_IDLE_TIMEOUT')
    await bob.demoLogin('bob')
    await h.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).execute()
    t.equal((await bob.api('GET', '/api/v1/me')).statusCode, 401, 'past SESSION_MAX_AGE however active')
  })

  t.test('the API with a session cookie needs the CSRF header on changes', async (t) => {
    const carol = cookieClient(h.app)
    await carol.demoLogin('alice')
    const csrf = await carol.csrf('/recordings')
    t.equal((await carol.api('POST', `/api/v1/recordings/${h.ids[10]}/decline`)).statusCode, 403)
    t.equal((await carol.api('POST', `/api/v1/recordings/${h.ids[10]}/decline`, { 'x-csrf-token': csrf })).statusCode, 200)
  })
})

t.test('under https every cookie the portal sets is Secure, the language too', async (t) => {
  const h = await portalHarness(t, { count: 1, env: { AUTH: 'demo', PUBLIC_URL: 'https://portal.univ.example' } })
  const client = cookieClient(h.app)
  const login = await client.demoLogin('alice')
  const lang = await client.post('/lang', { _csrf: await client.csrf('/recordings'), lang: 'en' })
  const declined = await client.post(`/recordings/${h.ids[0]}/decline`, { _csrf: await client.csrf('/recordings') })
  const flashShown = await client.get('/recordings')
  const logout = await client.post('/logout', { _csrf: await client.csrf('/recordings') })
  const cookies = [...login.cookies, ...lang.cookies, ...declined.cookies, ...flashShown.cookies, ...logout.cookies]
  t.ok(cookies.some((c) => c.name === 'bbbp_flash' && c.value === ''), 'a flash shown is cleared')
  t.ok(cookies.some((c) => c.name === '__Host-bbbp_session' && c.value === ''), 'logout clears the session cookie')
  t.ok(cookies.some((c) => c.name === 'lang'))
  for (const c of cookies) t.ok(c.secure, `${c.name} is Secure`)
})

t.test('without AUTH=demo there is no password-less login', async (t) => {
  const h = await portalHarness(t, { count: 1, env: { CAS_URL: 'https://cas.univ.example/cas' } })
  const client = cookieClient(h.app)
  const csrf = await client.csrf('/login')
  t.equal((await client.post('/auth/demo', { _csrf: csrf, username: 'admin', admin: 'on' })).statusCode, 404)
  const page = await client.get('/login')
  t.match(page.body, /href="\/auth\/cas"/)
  t.notMatch(page.body, /action="\/auth\/demo"/)
  const toCas = await client.get('/auth/cas', { host: 'evil.example' })
  t.equal(toCas.headers.location, `https://cas.univ.example/cas/login?service=${encodeURIComponent('http://localhost:3000/auth/cas/callback')}`)
})

t.test('callback URLs are logged without their one-time credentials', async (t) => {
  const { redactUrl } = await import('../../src/log.ts')
  t.equal(redactUrl('/auth/cas/callback?ticket=ST-123-abc'), '/auth/cas/callback?ticket=[redacted]')
  t.equal(redactUrl('/auth/oidc/callback?code=xyz&state=s1&iss=x'), '/auth/oidc/callback?code=[redacted]&state=[redacted]&iss=x')
  t.equal(redactUrl('/recordings?q=ticket'), '/recordings?q=ticket')
})
