import t from 'tap'
import { freePort } from '../helpers/net.ts'
import { httpBrowser } from '../helpers/http-browser.ts'
import { oidcClient, oidcUser, startOidcProvider } from '../helpers/oidc-provider.ts'
import { portalHarness } from '../helpers/portal.ts'

// Authorization code flow with PKCE and state against a real provider (npm oidc-provider).
t.test('OIDC login', async (t) => {
  const port = await freePort()
  const portal = `http://127.0.0.1:${port}`
  const op = await startOidcProvider(`${portal}/auth/oidc/callback`)
  t.teardown(() => op.stop())
  const h = await portalHarness(t, {
    count: 2,
    env: { AUTH: 'oidc', OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: oidcClient.client_id, OIDC_CLIENT_SECRET: oidcClient.client_secret, PUBLIC_URL: portal },
  })
  await h.app.listen({ host: '127.0.0.1', port })

  /** Through the provider's own login and consent pages, up to the redirect back to us. */
  const throughProvider = async () => {
    const browser = httpBrowser()
    await browser.request(`${portal}/login?returnTo=/recordings`)
    const start = await browser.request(`${portal}/auth/oidc`)
    const authorize = new URL(start.location!)
    t.equal(authorize.origin, op.issuer)
    t.equal(authorize.searchParams.get('code_challenge_method'), 'S256', 'PKCE')
    t.ok(authorize.searchParams.get('state'), 'state')
    t.equal(authorize.searchParams.get('redirect_uri'), `${portal}/auth/oidc/callback`)
    let at = await browser.follow(start.location!)
    for (let step = 0; step < 4 && !at.location?.startsWith(portal); step++) {
      const html = await at.text()
      const fields: Record<string, string> = html.includes('name="login"') ? { login: 'mmartin', password: 'anything' } : {}
      const posted = await browser.submitForm(at.url, html, fields)
      at = posted.location?.startsWith(portal) ? { ...posted, url: at.url } : await browser.follow(posted.location!, (next) => next.startsWith(portal))
    }
    t.match(at.location, /\/auth\/oidc\/callback\?code=/)
    return { browser, callback: at.location! }
  }

  t.test('code flow: the userinfo claims make the user', async (t) => {
    const { browser, callback } = await throughProvider()
    const back = await browser.request(callback)
    t.equal(back.status, 303)
    t.equal(back.location, `${portal}/recordings`)
    const { csrfToken, ...me } = await (await browser.request(`${portal}/api/v1/me`, { headers: { accept: 'application/json' } })).res.json()
    t.same(me, { username: 'mmartin', displayName: oidcUser.name, email: oidcUser.email, admin: false }, 'preferred_username lowercased, email, name')
    t.type(csrfToken, 'string', 'a cookie session gets its CSRF token')
  })

  t.test('a code is used once; a state from elsewhere is refused', async (t) => {
    const { browser, callback } = await throughProvider()
    t.equal((await browser.request(callback)).status, 303)
    t.equal((await browser.request(callback)).status, 401, 'the same code again')
    const second = await throughProvider()
    const forged = new URL(second.callback)
    forged.searchParams.set('state', 'forged-state')
    const refused = await second.browser.request(forged.toString())
    t.equal(refused.status, 401, 'state must match the cookie')
    t.notOk(second.browser.jars.get(`127.0.0.1:${port}`)?.has('bbbp_session'))
    t.equal((await httpBrowser().request(second.callback)).status, 401, 'another browser (no PKCE verifier, no state cookie)')
  })
})
