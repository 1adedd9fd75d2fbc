import t from 'tap'
import { servePortal } from '../helpers/app.ts'
import { sampleSource } from '../helpers/samples.ts'
import { axeViolations, frenchPage, screenshot } from '../helpers/chromium.ts'
import { assignOwners } from '../helpers/portal.ts'

// The real thing in a real browser: the demo's generated recordings (thumbnails served by the
// fake BBB), the portal listening on 127.0.0.1, Debian's Chromium driven by playwright-core.
t.test('teacher portal in Chromium', async (t) => {
  const { handle, env } = await sampleSource(t, { shutdownInDays: 10 })
  const ids = await assignOwners(handle.db, { enseignant: [0, 1, 2] })
  const { base } = await servePortal(t, handle.db, { AUTH: 'demo', ...env })
  const { page, errors } = await frenchPage(t)

  t.test('log in with the keyboard only', async (t) => {
    await page.goto(`${base}/recordings`)
    t.match(page.url(), /\/login\?returnTo=/)
    await screenshot(page, 'login')
    t.same(await axeViolations(page), [], 'login page: no serious or critical axe violation')
    // Tab through the page to the username field, type, then submit with Enter.
    for (let i = 0; i < 15 && (await page.evaluate(() => document.activeElement?.id)) !== 'username'; i++) await page.keyboard.press('Tab')
    t.equal(await page.evaluate(() => document.activeElement?.id), 'username', 'the username field is reachable by Tab')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('enseignant')
    await page.keyboard.press('Enter')
    await page.waitForURL(`${base}/recordings`)
    t.equal(await page.locator('h1').textContent(), 'Mes vidéos externes')
  })

  t.test('the list: three recordings with thumbnails, the deadline', async (t) => {
    t.equal(await page.locator('tbody tr').count(), 3)
    t.match(await page.locator('.banner').textContent(), /il reste 10 jours/)
    const loaded = await page.locator('.previews img').evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth > 0))
    t.ok(loaded.length >= 3 && loaded.every(Boolean), 'the BBB preview images load (CSP allows the BBB host)')
    await screenshot(page, 'recordings')
    t.same(await axeViolations(page), [], 'list page: no serious or critical axe violation')
  })

  t.test('filter by text', async (t) => {
    await page.getByLabel('Rechercher').fill('Droit')
    await page.getByRole('button', { name: 'Appliquer' }).click()
    await page.waitForURL(/q=Droit/)
    t.equal(await page.locator('tbody tr').count(), 1)
    t.match(await page.locator('tbody tr .name').textContent(), /Droit des contrats/)
    await page.getByRole('link', { name: 'Réinitialiser' }).click()
    await page.waitForURL(`${base}/recordings`)
  })

  t.test('import by keyboard, then the status changes live', async (t) => {
    const first = page.locator(`#rec-${ids[2]}`) // newest first: the first row
    await first.getByRole('button', { name: 'Importer dans Pod' }).focus()
    await page.keyboard.press('Enter')
    await page.waitForSelector('.flash')
    t.match(await page.locator('.flash').textContent(), /Importation demandée/)
    t.match(await page.locator(`#rec-${ids[2]} .badge`).textContent(), /Importation demandée/)
    // A worker moves the import on; the page shows it without a reload.
    await handle.db.updateTable('imports').set({ state: 'converting', progress: 42 }).where('recording_id', '=', ids[2]!).execute()
    await page.waitForFunction((id) => document.querySelector(`#rec-${id} .badge`)?.textContent?.includes('42'), ids[2], { timeout: 10_000 })
    t.match(await page.locator(`#rec-${ids[2]} .badge`).textContent(), /Conversion : 42\s%/)
    await screenshot(page, 'recordings-importing')
    await handle.db.updateTable('imports').set({ state: 'done', progress: 100, pod_video_url: 'https://pod.univ.example/video/0042-algebre/' }).where('recording_id', '=', ids[2]!).execute()
    await page.waitForFunction((id) => document.querySelector(`#rec-${id} .badge`)?.textContent?.includes('Importé'), ids[2], { timeout: 10_000 })
    t.equal(await page.locator(`#rec-${ids[2]}`).getByRole('link', { name: 'Voir dans Pod' }).getAttribute('href'), 'https://pod.univ.example/video/0042-algebre/')
  })

  t.test('decline, with multi-select', async (t) => {
    await page.locator(`#rec-${ids[0]} input[name="ids"]`).check()
    await page.locator(`#rec-${ids[1]} input[name="ids"]`).check()
    await page.getByRole('button', { name: 'Ne pas conserver la sélection' }).click()
    await page.waitForSelector('.flash')
    t.match(await page.locator('.flash').textContent(), /2 enregistrement\(s\) traités/)
    t.equal(await page.locator('.badge-declined').count(), 2)
    t.same(await axeViolations(page), [], 'after actions: still no serious or critical axe violation')
  })

  t.test('English on request', async (t) => {
    await page.selectOption('#lang-select', 'en')
    await page.getByRole('button', { name: 'Changer' }).click()
    await page.waitForSelector('html[lang="en"]')
    t.equal(await page.locator('h1').textContent(), 'My external videos')
    await screenshot(page, 'recordings-en')
  })

  t.test('no console error or failed request anywhere', async (t) => {
    t.same(errors, [])
  })
})
