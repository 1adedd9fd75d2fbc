// "Mes vidéos externes" inside Pod, in Chromium: the integration snippet (integrations/pod/) rendered
// by the test Pod's Django templates on pod.univ.test, the portal on portal.univ.test (the same
// site, as pod.univ.fr and portal.univ.fr), and an origin EMBED_ORIGINS/CORS_ORIGINS do not list.
import t from 'tap'
import { servePortal } from '../helpers/app.ts'
import { launchChromium, screenshot, watchErrors } from '../helpers/chromium.ts'
import { freePort } from '../helpers/net.ts'
import { assignOwners } from '../helpers/portal.ts'
import { sampleSource } from '../helpers/samples.ts'
import { startTestPod } from '../helpers/test-pod.ts'

t.test('an allowed Pod frames the list and counts with the teacher\'s cookie; an origin not listed cannot', async (t) => {
  const { handle, env } = await sampleSource(t)
  await assignOwners(handle.db, { enseignant: [0, 1, 2] })
  // The test Pod must know the portal's URL before the portal knows Pod's: the port comes first.
  const reserved = await freePort()
  const pod = await startTestPod(t, { portalUrl: `http://portal.univ.test:${reserved}` })
  const podPort = new URL(pod.url).port
  const podOrigin = `http://pod.univ.test:${podPort}`
  const { base: portal } = await servePortal(t, handle.db, { AUTH: 'demo', EMBED_ORIGINS: podOrigin, CORS_ORIGINS: podOrigin, ...env }, {}, { hostName: 'portal.univ.test', port: reserved })
  const browser = await launchChromium(t, ['--host-resolver-rules=MAP *.univ.test 127.0.0.1'])
  const page = await (await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })).newPage()

  await page.goto(`${portal}/login`)
  await page.getByRole('button', { name: 'Se connecter' }).click()
  await page.waitForURL(`${portal}/recordings`)
  const errors = watchErrors(page)

  await page.goto(`${podOrigin}/video/dashboard/?as=enseignant`)
  const tab = page.locator('#bbb-portal-tab')
  await t.resolves(tab.filter({ hasText: 'Enregistrements BBB (3 à choisir)' }).waitFor({ timeout: 10_000 }), 'the count, read from /api/v1 with the teacher\'s session cookie')
  t.equal(await page.locator('#bbb-portal-menu-link').getAttribute('href'), `${portal}/recordings`, 'a link in Pod\'s user menu')
  await tab.click()
  const frame = page.frameLocator('#bbb-portal-pane iframe')
  t.equal(await frame.locator('h1').textContent(), 'Mes vidéos externes', 'the teacher\'s list, logged in, inside Pod')
  t.equal(await frame.locator('header.top').count(), 0, 'embedded: no header of its own')
  t.ok(await page.locator('#video_list_content').isHidden(), 'Pod\'s own list is behind its tab')
  await screenshot(page, 'pod-dashboard-embed')
  // The form reloads the frame: previews still loading then would be cancelled (net::ERR_ABORTED).
  await page.frames().find((f) => f.url().startsWith(`${portal}/recordings`))!.waitForLoadState('networkidle')
  await frame.getByRole('button', { name: 'Importer dans Pod' }).first().click()
  await t.resolves(frame.locator('.flash').waitFor({ timeout: 10_000 }), 'a choice made inside the frame (CSRF token and cookie work there)')
  t.equal(await frame.locator('header.top').count(), 0, 'still embedded after the form')
  // Pod's own script, with the session cookie: the token from /api/v1/me, then a change.
  const declineFromPod = (origin: string) => page.evaluate(async ({ portal, origin }) => {
    try {
      const me = (await (await fetch(`${portal}/api/v1/me`, { credentials: 'include' })).json()) as { csrfToken?: string }
      const list = (await (await fetch(`${portal}/api/v1/recordings?status=pending`, { credentials: 'include' })).json()) as { data: Array<{ id: number }> }
      const res = await fetch(`${portal}/api/v1/recordings/${list.data[0]!.id}/decline`, { method: 'POST', credentials: 'include', headers: { 'x-csrf-token': me.csrfToken ?? '' } })
      return `${origin}: ${res.status} ${((await res.json()) as { status?: string }).status}`
    } catch (error) {
      return `${origin}: ${(error as Error).message}`
    }
  }, { portal, origin })
  t.equal(await declineFromPod(podOrigin), `${podOrigin}: 200 declined`, 'a choice made from Pod\'s page with the cookie and the token of /api/v1/me')
  // Over plain http (tests only), Chromium ignores the Cross-Origin-Opener-Policy header and says so.
  t.same(errors.filter((e) => !/Cross-Origin-Opener-Policy header has been ignored/.test(e)), [], 'no console error, no failed request')

  // Another origin of the same site, not listed: no count, no frame.
  await page.goto(`http://other.univ.test:${podPort}/video/dashboard/?as=enseignant`)
  await page.locator('#bbb-portal-tab').waitFor()
  await page.waitForTimeout(1500)
  t.equal(await page.locator('#bbb-portal-tab').textContent(), 'Enregistrements BBB', 'CORS refused the count')
  t.equal(await declineFromPod(`http://other.univ.test:${podPort}`), `http://other.univ.test:${podPort}: Failed to fetch`, 'nor can it read a token or change anything')
  await page.locator('#bbb-portal-tab').click()
  await page.waitForTimeout(1500)
  const child = page.frames().find((f) => f.parentFrame() === page.mainFrame())
  t.ok(child, 'the frame exists')
  t.match(child!.url(), /^chrome-error:/, 'frame-ancestors refused to show the portal')
  t.notMatch(await child!.content(), /Mes vidéos externes/)
})
