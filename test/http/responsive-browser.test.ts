import t from 'tap'
import { sql } from 'kysely'
import type { Page } from 'playwright-core'
import { servePortal } from '../helpers/app.ts'
import { axeViolations, launchChromium, screenshot } from '../helpers/chromium.ts'
import { assignOwners } from '../helpers/portal.ts'
import { sampleSource } from '../helpers/samples.ts'

const widths = [390, 768, 1280]

/** Controls of the main content that lie (partly) outside the viewport, and the page's sideways overflow. */
async function offScreen(page: Page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const outside = [...document.querySelectorAll('main button, main a, main input, main select')]
      .filter((e) => (e as HTMLElement).offsetParent !== null && !e.closest('.visually-hidden'))
      .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.left < 0 || r.right > width + 1) })
      .map((e) => `${e.tagName.toLowerCase()} "${(e.textContent || (e as HTMLInputElement).name || '').trim().slice(0, 30)}"`)
    return { overflow: document.documentElement.scrollWidth - width, outside }
  })
}

// The teacher's list, a recording, the dashboard, the orphans and the journal, in Chromium at a
// phone's, a tablet's and a laptop's width, in French and English: every action on screen,
// nothing to scroll sideways, no serious axe violation. Screenshots go to test-results/screenshots.
t.test('every page fits a phone, a tablet and a laptop', async (t) => {
  const { handle, env } = await sampleSource(t, { shutdownInDays: 10 })
  await assignOwners(handle.db, { 'marie.curie': [0, 1, 2] })
  const orphan = (await handle.db.selectFrom('recordings').select('id').orderBy('start_time').execute()).at(-1)!.id
  await handle.db.deleteFrom('recording_owners').where('recording_id', '=', orphan).execute()
  await sql`INSERT INTO recording_ownership (recording_id, owner_match, orphaned, checked_at) VALUES (${orphan}, 'none', true, now())`.execute(handle.db)
  await sql`INSERT INTO audit_log (actor, action, target_type, target_id, before, after) VALUES
    ('chef', 'owners.assign', 'recording', ${String(orphan)}, '[]', '[{"username":"marie.curie","reason":"admin"}]'),
    ('chef', 'source.sync', 'source', 'demo', null, '{"runId":1,"status":"succeeded","counts":{"new":3,"updated":0,"missing":0}}')`.execute(handle.db)
  const { base } = await servePortal(t, handle.db, { AUTH: 'demo', ...env })
  const browser = await launchChromium(t)

  for (const lang of ['fr', 'en'] as const) {
    for (const width of widths) {
      const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB', viewport: { width, height: 900 } })
      const page = await context.newPage()
      const login = async (username: string, admin: boolean) => {
        await page.goto(`${base}/login`)
        await page.fill('#username', username)
        if (admin) await page.check('input[name="admin"]')
        await page.locator('form.demo-login button[type="submit"]').click()
        await page.waitForURL(admin ? `${base}/admin` : `${base}/recordings`)
      }
      const check = async (name: string, url: string) => {
        await page.goto(`${base}${url}`)
        t.same(await offScreen(page), { overflow: 0, outside: [] }, `${name} ${lang} ${width}px: every control on screen, no sideways scroll`)
        t.same(await axeViolations(page), [], `${name} ${lang} ${width}px: no serious axe violation`)
        await screenshot(page, `${name}-${lang}-${width}`)
      }
      await login('marie.curie', false)
      await check('teacher-list', '/recordings')
      await context.clearCookies()
      await login('chef', true)
      await check('dashboard', '/admin')
      await check('orphans', '/admin/orphans')
      await check('recording', `/admin/recordings/${orphan}`)
      await check('journal', '/admin/audit')
      await check('failed-imports', '/admin/imports')
      await check('campaign', '/admin/sources/demo/campaign')
      await context.close()
    }
  }
})
