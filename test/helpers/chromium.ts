import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

/** Debian's Chromium, headless; never a browser downloaded by a tool. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const screenshotDir = path.resolve('test-results/screenshots')

export async function launchChromium(t: { teardown(fn: () => unknown): void }, extraArgs: string[] = []): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  })
  t.teardown(() => browser.close())
  return browser
}

/** Chromium with one French page, and the list of its console errors and failed requests. */
export async function frenchPage(t: { teardown(fn: () => unknown): void }) {
  const browser = await launchChromium(t)
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } })
  const page = await context.newPage()
  return { browser, page, errors: watchErrors(page) }
}

/** Console errors and failed requests of a page, to assert there are none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`))
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`))
  page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`))
  return errors
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true })
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true })
}

const axeSource = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8')

/** Serious or critical axe-core violations of the page, as "rule: target" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource)
  const result = await page.evaluate(async () => (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<{ passes: unknown[]; violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run(document, { resultTypes: ['violations'] }))
  if (!result.passes.length) throw new Error('axe-core checked nothing')
  return result.violations
    .filter((v: { impact: string }) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v: { id: string; nodes: Array<{ target: string[] }> }) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`))
}
