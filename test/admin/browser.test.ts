import t from 'tap'
import { sql } from 'kysely'
import { servePortal } from '../helpers/app.ts'
import { sampleSource } from '../helpers/samples.ts'
import { axeViolations, frenchPage, screenshot } from '../helpers/chromium.ts'

// The admin console in Debian's Chromium: the dashboard and its verdict, reassigning an orphan,
// and a sync shown as a dry run before it is applied.
t.test('admin console in Chromium', async (t) => {
  const { handle, fake, syncService, env } = await sampleSource(t, { shutdownInDays: 10 })
  // Nobody was found for them: three orphans.
  await sql`INSERT INTO recording_ownership (recording_id, owner_match, orphaned, checked_at) SELECT id, 'none', true, now() FROM recordings`.execute(handle.db)
  const { base } = await servePortal(t, handle.db, { AUTH: 'demo', ...env }, { sync: syncService })
  const { browser, page, errors } = await frenchPage(t)
  const count = async (key: string) => Number(await page.locator(`tr[data-count="${key}"] td`).textContent())

  t.test('an admin logs in and sees the dashboard with its verdict', async (t) => {
    await page.goto(`${base}/admin`)
    await page.fill('#username', 'chef')
    await page.check('input[name="admin"]')
    await page.getByRole('button', { name: 'Se connecter' }).click()
    await page.waitForURL(`${base}/admin`)
    t.equal(await page.locator('[data-verdict]').getAttribute('data-verdict'), 'unsafe')
    t.equal(await count('total'), 3)
    t.equal(await count('orphaned'), 3)
    await screenshot(page, 'admin-dashboard')
    t.same(await axeViolations(page), [], 'dashboard: no serious or critical axe violation')
  })

  t.test('reassign an orphan; the teacher sees it at first login', async (t) => {
    await page.getByRole('link', { name: 'Orphelins', exact: true }).click()
    await page.waitForURL(`${base}/admin/orphans`)
    t.equal(await page.locator('tbody tr').count(), 3)
    t.same(await axeViolations(page), [], 'orphans page: no serious or critical axe violation')
    const row = page.locator('tbody tr').first()
    const name = (await row.locator('strong').textContent())!
    await row.getByPlaceholder('Identifiant').fill('nouvelle.prof')
    await row.getByRole('button', { name: 'Attribuer' }).click()
    await page.waitForSelector('.flash')
    t.match(await page.locator('.flash').textContent(), /1 enregistrement\(s\) attribué\(s\)/)
    t.equal(await page.locator('tbody tr').count(), 2, 'no longer listed as an orphan')
    await screenshot(page, 'admin-orphans')
    const teacher = await (await browser.newContext({ locale: 'fr-FR' })).newPage()
    await teacher.goto(`${base}/login`)
    await teacher.fill('#username', 'nouvelle.prof')
    await teacher.getByRole('button', { name: 'Se connecter' }).click()
    await teacher.waitForURL(`${base}/recordings`)
    t.same(await teacher.locator('tbody .name strong').allTextContents(), [name])
  })

  t.test('a sync: the dry run and its diff first, then applied', async (t) => {
    const gone = fake.recordings[0]!.recordId
    fake.recordings = fake.recordings.slice(1)
    await page.goto(`${base}/admin`)
    await page.getByRole('button', { name: 'Simuler une synchronisation' }).click()
    await page.waitForSelector('.diff')
    t.match(await page.locator('.diff').textContent(), /0 nouveau\(x\), 0 modifié\(s\), 1 disparu\(s\)/)
    t.equal(await page.locator('.ids code').textContent(), gone, 'the diff names the recording')
    const missingBefore = await handle.db.selectFrom('recordings').select('id').where('missing_since', 'is not', null).execute()
    t.equal(missingBefore.length, 0, 'the dry run wrote nothing')
    await screenshot(page, 'admin-sync-dry-run')
    t.same(await axeViolations(page), [], 'dry-run page: no serious or critical axe violation')
    await page.getByRole('button', { name: 'Appliquer cette synchronisation' }).click()
    await page.waitForURL(`${base}/admin`)
    t.match(await page.locator('.flash').textContent(), /Synchronisation appliquée/)
    t.equal(await count('missing'), 1)
    const runs = await page.locator('table.runs tbody tr').allTextContents()
    t.match(runs[0], /réussie.*2 \/ \+0 \/ ~0 \/ −1/s, 'the applied run, newest first')
    t.match(runs[1], /simulation/, 'the dry run before it')
  })

  t.test('the verdict turns safe once everything is settled', async (t) => {
    await handle.db.updateTable('recordings').set({ abandoned_at: new Date(), abandoned_reason: 'test', abandoned_by: 'chef' }).execute()
    await page.reload()
    t.equal(await page.locator('[data-verdict]').getAttribute('data-verdict'), 'safe')
    t.match(await page.locator('.verdict').textContent(), /Peut être arrêté/)
  })

  t.test('the journal lists what was done', async (t) => {
    await page.getByRole('link', { name: 'Journal' }).click()
    await page.waitForURL(`${base}/admin/audit`)
    const actions = await page.locator('tbody tr td:nth-child(3)').allTextContents()
    t.same(actions, ['Synchronisation appliquée', 'Propriétaires attribués'], 'actions in words, newest first')
    t.match(await page.locator('tbody tr').nth(1).textContent(), /personne → nouvelle\.prof/, 'the change as a short diff')
    await page.getByLabel('Action').selectOption({ label: 'Propriétaires attribués' })
    await page.getByRole('button', { name: 'Appliquer' }).click()
    await page.waitForURL(/action=owners\.assign/)
    t.same(await page.locator('tbody tr td:nth-child(3)').allTextContents(), ['Propriétaires attribués'], 'filtered')
    t.match(await page.locator('tbody tr td:nth-child(4) a').getAttribute('href'), /^\/admin\/recordings\/\d+$/, "the recording's title links its page")
  })

  t.test('one recording: owners, force an import, abandon', async (t) => {
    const id = (await handle.db.selectFrom('recordings').select('id').orderBy('id').executeTakeFirstOrThrow()).id
    await page.goto(`${base}/admin/recordings/${id}`)
    await page.fill('#add-owner', 'prof.b')
    await page.getByRole('button', { name: 'Attribuer' }).click()
    await page.waitForSelector('.owners')
    t.match(await page.locator('.owners').textContent(), /prof\.b \(attribué par un administrateur\)/)
    await page.getByRole('button', { name: 'Importer pour son propriétaire' }).click()
    await page.waitForSelector('table.recordings tbody tr')
    t.match(await page.locator('table.recordings tbody tr').first().textContent(), /Importation demandée/)
    // Abandoned with all the others above: taken back, then abandoned again with a reason.
    await page.getByRole('button', { name: 'Annuler l’abandon' }).click()
    await page.waitForSelector('#abandon-reason')
    await page.fill('#abandon-reason', 'cours fermé')
    await page.getByRole('button', { name: 'Abandonner' }).click()
    await page.waitForSelector('.verdict')
    t.match(await page.locator('.verdict').textContent(), /Abandonné par chef : cours fermé/)
    t.same(await axeViolations(page), [], 'recording page: no serious or critical axe violation')
    await screenshot(page, 'admin-recording')
  })

  t.test('no console error or failed request', async (t) => {
    t.same(errors, [])
  })
})
