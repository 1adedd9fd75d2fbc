import t from 'tap'
import { casUser, startCasServer } from '../helpers/cas-server.ts'
import { freePort } from '../helpers/net.ts'
import { httpBrowser } from '../helpers/http-browser.ts'
import { assignOwners, portalHarness } from '../helpers/portal.ts'

// End to end against a real CAS server (Debian's django-cas-server), the portal listening on
// 127.0.0.1 so that the CAS server can post its single-logout request to it.
t.test('CAS 3 login, attributes, replay, single logout', async (t) => {
  const cas = await startCasServer()
  t.teardown(() => cas.stop())
  const port = await freePort()
  const portal = `http://127.0.0.1:${port}`
  const h = await portalHarness(t, { count: 6, env: { AUTH: 'cas', CAS_URL: cas.url, PUBLIC_URL: portal } })
  // The sync made "jdupont" an owner before they ever logged in.
  const ids = await assignOwners(h.db, { jdupont: [1, 3] })
  await h.app.listen({ host: '127.0.0.1', port })

  /** Logs in through CAS; returns the browser and the service ticket URL CAS sent it to. */
  const login = async (returnTo = '/recordings?sort=oldest') => {
    const browser = httpBrowser()
    await browser.request(`${portal}/login?returnTo=${encodeURIComponent(returnTo)}`)
    const toCas = await browser.request(`${portal}/auth/cas`)
    t.equal(toCas.location, `${cas.url}/login?service=${encodeURIComponent(`${portal}/auth/cas/callback`)}`, 'to CAS with the service from PUBLIC_URL')
    const form = await browser.request(toCas.location!)
    const posted = await browser.submitForm(toCas.location!, await form.text(), { username: casUser.username, password: casUser.password })
    t.match(posted.location, /^http:\/\/127\.0\.0\.1:\d+\/auth\/cas\/callback\?ticket=ST-[A-Za-z0-9-]+$/, 'CAS sends the browser back with a service ticket')
    return { browser, ticketUrl: posted.location! }
  }

  t.test('login maps the attributes onto the user the sync created, and returns where asked', async (t) => {
    const { browser, ticketUrl } = await login()
    const back = await browser.request(ticketUrl)
    t.equal(back.status, 303)
    t.equal(back.location, `${portal}/recordings?sort=oldest`)
    const cookie = back.res.headers.getSetCookie().find((c) => c.startsWith('bbbp_session='))
    t.match(cookie, /HttpOnly/i)
    t.match(cookie, /SameSite=Lax/i)
    const me = await browser.request(`${portal}/api/v1/me`, { headers: { accept: 'application/json' } })
    const { csrfToken, ...who } = await me.res.json()
    t.same(who, { username: 'jdupont', displayName: 'Jean Dupont', email: 'jean.dupont@univ.example', admin: false }, 'cas:user lowercased; mail and displayName mapped')
    t.type(csrfToken, 'string', 'a cookie session gets its CSRF token')
    const mine = await (await browser.request(`${portal}/api/v1/recordings`, { headers: { accept: 'application/json' } })).res.json()
    t.same(mine.data.map((r: { id: number }) => r.id).sort(), [ids[1], ids[3]].sort(), 'the recordings the sync gave them')
    const users = await h.db.selectFrom('users').select('username').where('username', 'like', '%dupont%').execute()
    t.equal(users.length, 1, 'one user, not a second one at first login')
  })

  t.test('a service ticket is used once', async (t) => {
    const { browser, ticketUrl } = await login()
    t.equal((await browser.request(ticketUrl)).status, 303)
    const thief = httpBrowser()
    const replay = await thief.request(ticketUrl)
    t.equal(replay.status, 401, 'a replayed ticket is refused')
    t.notOk(thief.jars.get(`127.0.0.1:${port}`)?.has('bbbp_session'), 'and opens no session')
    // Even once our record of it is gone, CAS itself refuses a second validation.
    await h.db.updateTable('sessions').set({ cas_ticket: null }).execute()
    t.equal((await httpBrowser().request(ticketUrl)).status, 401, 'CAS refuses it too (INVALID_TICKET)')
    t.equal((await httpBrowser().request(`${portal}/auth/cas/callback?ticket=ST-forged-123`)).status, 401, 'an unknown ticket is refused')
    t.equal((await httpBrowser().request(`${portal}/auth/cas/callback?ticket=${encodeURIComponent('../../etc')}`)).status, 401, 'a malformed one never reaches CAS')
  })

  t.test('single logout: the CAS logout ends the portal session bound to its ticket', async (t) => {
    const { browser, ticketUrl } = await login()
    await browser.request(ticketUrl)
    const api = () => browser.request(`${portal}/api/v1/me`, { headers: { accept: 'application/json' } })
    t.equal((await api()).status, 200)
    const other = await login()
    await other.browser.request(other.ticketUrl)
    const logout = await browser.request(`${cas.url}/logout`)
    t.ok(logout.status < 400, 'CAS logs out')
    let status = 200
    for (let i = 0; i < 50 && status === 200; i++) {
      await new Promise((r) => setTimeout(r, 100))
      status = (await api()).status
    }
    t.equal(status, 401, 'the session is gone')
    t.equal((await other.browser.request(`${portal}/api/v1/me`, { headers: { accept: 'application/json' } })).status, 200, 'another session of the same user stays')
  })

  t.test('single logout requests for unknown tickets or of another shape change nothing', async (t) => {
    const { browser, ticketUrl } = await login()
    await browser.request(ticketUrl)
    for (const body of ['<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"><samlp:SessionIndex>ST-not-ours</samlp:SessionIndex></samlp:LogoutRequest>', 'not xml <<', '']) {
      const res = await fetch(`${portal}/auth/cas/callback`, { method: 'POST', body: new URLSearchParams({ logoutRequest: body }) })
      t.equal(res.status, 204)
    }
    t.equal((await browser.request(`${portal}/api/v1/me`, { headers: { accept: 'application/json' } })).status, 200)
  })

  t.test('the service URL never comes from the Host header; returnTo stays local', async (t) => {
    const browser = httpBrowser()
    const toCas = await browser.request(`${portal}/auth/cas`, { headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } })
    t.notMatch(toCas.location, /evil/)
    const { browser: b2, ticketUrl } = await login('//evil.example/steal')
    t.equal((await b2.request(ticketUrl)).location, `${portal}/recordings`, 'a foreign returnTo falls back to the list')
  })

  t.test('logout leaves the CAS session too', async (t) => {
    const { browser, ticketUrl } = await login()
    await browser.request(ticketUrl)
    const page = await browser.request(`${portal}/recordings`)
    const csrf = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!
    const out = await browser.request(`${portal}/logout`, { form: { _csrf: csrf } })
    t.equal(out.location, `${cas.url}/logout?service=${encodeURIComponent(`${portal}/login`)}`)
    t.equal((await browser.request(`${portal}/api/v1/me`, { headers: { accept: 'application/json' } })).status, 401)
  })
})

t.test('ALLOWED_AFFILIATIONS refuses the others; ADMIN_ATTRIBUTE makes admins', async (t) => {
  const cas = await startCasServer()
  t.teardown(() => cas.stop())
  for (const [env, expected] of [
    [{ ALLOWED_AFFILIATIONS: 'staff,employee' }, 403],
    [{ ALLOWED_AFFILIATIONS: 'staff,faculty' }, 303],
    [{ ALLOWED_AFFILIATIONS: 'staff', ADMIN_ATTRIBUTE: 'uid=jdupont' }, 303],
  ] as const) {
    const port = await freePort()
    const portal = `http://127.0.0.1:${port}`
    const h = await portalHarness(t, { count: 1, env: { AUTH: 'cas', CAS_URL: cas.url, PUBLIC_URL: portal, ...env } })
    await h.app.listen({ host: '127.0.0.1', port })
    const browser = httpBrowser()
    const toCas = await browser.request(`${portal}/auth/cas`)
    const form = await browser.request(toCas.location!)
    const posted = await browser.submitForm(toCas.location!, await form.text(), { username: casUser.username, password: casUser.password })
    const back = await browser.request(posted.location!)
    t.equal(back.status, expected, JSON.stringify(env))
    if (back.status === 403) t.match(await back.text(), /Votre profil ne donne pas accès à ce service/)
    if ('ADMIN_ATTRIBUTE' in env) {
      const me = await (await browser.request(`${portal}/api/v1/me`, { headers: { accept: 'application/json' } })).res.json()
      t.equal(me.admin, true, 'an admin by attribute gets in even outside the affiliations')
    }
  }
})

t.test('a hostile CAS reply: an endless one is cut at 1 MiB, one declaring entities is refused', async (t) => {
  const { createServer } = await import('node:http')
  const { validateTicket } = await import('../../src/auth/cas-client.ts')
  const lol = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;">]><cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>&lol9;</cas:user></cas:authenticationSuccess></cas:serviceResponse>'
  let sent = 0
  let closed: () => void
  const cut = new Promise<void>((resolve) => (closed = resolve))
  const server = createServer((req, res) => {
    if (req.url!.includes('ticket=ST-dtd')) return void res.end(lol)
    // 300 MiB of attributes, streamed: the client must stop reading long before.
    res.write('<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:attributes>')
    const chunk = `<cas:x>${'a'.repeat(64 * 1024)}</cas:x>`
    const pump = () => {
      while (sent < 300 * 1024 * 1024) {
        sent += chunk.length
        if (!res.write(chunk)) return void res.once('drain', pump)
      }
      res.end()
    }
    res.on('close', () => closed())
    pump()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => server.close())
  const cas = { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/cas`, usernameAttribute: 'user', mailAttribute: 'mail', nameAttribute: 'displayName', affiliationAttribute: 'eduPersonAffiliation' }
  await t.rejects(validateTicket(cas, 'http://portal/cb', 'ST-dtd'), { name: 'CasError', message: /declares a DTD or entities/ })
  await t.rejects(validateTicket(cas, 'http://portal/cb', 'ST-big'), { name: 'CasError', message: /^the CAS server: the reply is larger than the 1048576 bytes/ })
  await cut
  t.ok(sent < 300 * 1024 * 1024, `the connection was closed after ${Math.round(sent / 1048576)} MiB, before the 300 MiB were sent`)
})
