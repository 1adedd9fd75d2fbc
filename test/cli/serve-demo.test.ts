import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { bin } from '../helpers/cli.ts'
import { freePort } from '../helpers/net.ts'
import { secret, syncHarness } from '../helpers/sync.ts'

/** Starts a long-running command; resolves once `ready` appears in its output. */
async function start(t: { teardown(fn: () => unknown): void }, args: string[], env: Record<string, string>, ready: RegExp) {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH, ...env } })
  let output = ''
  t.teardown(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk
      if (ready.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${output}`)))
  })
  return { child, output: () => output }
}

t.test('demo: embedded database, its own BBB, a first sync, the web server', async (t) => {
  const port = await freePort()
  const dir = t.testdir()
  const demo = await start(t, ['demo'], { DATA_DIR: dir, PORT: String(port) }, /Stop with Ctrl\+C/)
  const out = demo.output()
  t.match(out, /recordings: 3 listed — 3 new/)
  t.match(out, /database: pglite/)
  const health = await fetch(`http://127.0.0.1:${port}/health`)
  t.same(await health.json(), { status: 'ok' })
  const token = /Bearer ([\w.-]+)/.exec(out)?.[1]
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/admin/recordings`, { headers: { authorization: `Bearer ${token}` } })
  type Listed = { name: string; orphaned: boolean; owners: Array<{ username: string; reason: string }>; formats: Array<{ previews: unknown[] }> }
  const body = (await res.json()) as { total: number; data: Listed[] }
  t.equal(body.total, 3)
  t.ok(body.data.some((r) => r.name === 'Algèbre linéaire — séance 1'))
  // The sample BBB serves what it lists: a preview image generated with ffmpeg.
  const preview = body.data[0]?.formats[0]?.previews[0] as { url: string } | undefined
  if (preview) t.equal((await fetch(preview.url)).headers.get('content-type'), 'image/png')
  else t.match(out, /ffmpeg is not installed/)

  // The teacher's side, on the embedded database: log in with the demo form, import, and the
  // demo's own worker (pg-boss on PGlite) converts it into the export folder.
  const login = await fetch(`http://127.0.0.1:${port}/login`)
  const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(await login.text())![1]!
  const session = await fetch(`http://127.0.0.1:${port}/auth/demo`, {
    method: 'POST', redirect: 'manual', headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username: 'enseignant' }),
  })
  t.equal(session.status, 303)
  const jar = session.headers.getSetCookie().filter((c) => c.startsWith('bbbp_session=')).map((c) => c.split(';')[0]).join('; ')
  // The login page's token was bound to no session: the pages after login carry a new one.
  const page = await fetch(`http://127.0.0.1:${port}/recordings`, { headers: { cookie: jar } })
  const pageCookies = `${jar}; ${page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')}`
  const csrfAfterLogin = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!
  const mine = (await (await fetch(`http://127.0.0.1:${port}/api/v1/recordings`, { headers: { cookie: jar } })).json()) as { total: number; data: Array<{ id: number }> }
  t.equal(mine.total, 3, 'the sample recordings are the demo teacher\'s')
  const asked = await fetch(`http://127.0.0.1:${port}/api/v1/recordings/${mine.data[0]!.id}/import`, { method: 'POST', headers: { cookie: pageCookies, 'x-csrf-token': csrfAfterLogin } })
  t.equal(asked.status, 202)
  const importId = ((await asked.json()) as { id: number }).id
  let state = 'queued'
  for (let i = 0; i < 300 && !['done', 'failed'].includes(state); i++) {
    await new Promise((r) => setTimeout(r, 200))
    state = ((await (await fetch(`http://127.0.0.1:${port}/api/v1/imports/${importId}`, { headers: { cookie: jar } })).json()) as { state: string }).state
  }
  t.equal(state, preview ? 'done' : 'failed', 'the demo worker ran it')
  if (preview) t.equal(readdirSync(path.join(dir, 'exports')).filter((f) => f.endsWith('.mp4')).length, 1, 'the MP4 is in DATA_DIR/exports')

  // Owners as in production: the sample Moodle's teachers; the Greenlight room an orphan.
  const owners = Object.fromEntries(body.data.map((r) => [r.name, { orphaned: r.orphaned, owners: r.owners.map((o) => `${o.username}:${o.reason}`) }]))
  t.same(owners, {
    'Algèbre linéaire — séance 1': { orphaned: false, owners: ['enseignant:moodle-owner', 'marie.curie:moodle-role:editingteacher'] },
    'Droit des contrats — CM 4': { orphaned: false, owners: ['enseignant:moodle-owner'] },
    'Salle de Claire Martin': { orphaned: true, owners: ['enseignant:fallback'] },
  })
  t.match(out, /sample BBB server: http:\/\/127\.0\.0\.1:\d+\S*\s+\(secret: demo-secret-not-for-production\)/, 'the demo says how to reach its BBB server')
  const docs = await (await fetch(`http://127.0.0.1:${port}/api/docs/json`)).json() as { servers: Array<{ url: string }> }
  t.same(docs.servers, [{ url: `http://127.0.0.1:${port}` }], "the API docs' Try it out calls this portal")

  // A second process on the demo's DATA_DIR is refused with what to do; the demo loses nothing.
  const beside = spawnSync(process.execPath, [bin, 'sync'], { env: { PATH: process.env.PATH, DATA_DIR: dir, BBB_URL: 'http://127.0.0.1:9/bigbluebutton/', BBB_SECRET: 'x' }, encoding: 'utf8', timeout: 60_000 })
  t.equal(beside.status, 1, beside.stderr)
  t.match(beside.stderr, /the embedded database in .* is in use by another process \(pid \d+, "bbb-portal demo"/)
  t.match(beside.stderr, /DATABASE_URL/)
  const after = await (await fetch(`http://127.0.0.1:${port}/api/v1/admin/sync-runs`, { headers: { authorization: `Bearer ${token}` } })).json() as { total: number }
  t.equal(after.total, 1, 'the demo still has its sync run')
  t.equal(((await (await fetch(`http://127.0.0.1:${port}/api/v1/admin/recordings`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number }).total, 3)
})

t.test('serve with SYNC_INTERVAL syncs on a schedule', async (t) => {
  const h = await syncHarness(t, { recordings: syntheticRecordings(7) })
  const port = await freePort()
  await start(t, ['serve'], {
    DATABASE_URL: h.handle.url, BBB_URL: h.fake.url, BBB_SECRET: secret, BBB_SOURCE_NAME: 'old', SYNC_INTERVAL: '1', PORT: String(port), DATA_DIR: t.testdir(),
  }, /scheduled sync done/)
  t.equal((await h.rows()).length, 7)
  t.equal((await fetch(`http://127.0.0.1:${port}/api/v1/admin/sync-runs`)).status, 401)
})
