// Faults of the machine under an import: PostgreSQL restarted, the disk full, ffmpeg killed by the
// kernel, a worker whose clock runs ahead of the database's.
import { execFile, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { createImportsRepository } from '../../src/jobs/imports-repository.ts'
import { importHarness, waitForImport } from '../helpers/imports.ts'

const run = promisify(execFile)

/** Kills every ffmpeg working in `dir` with SIGKILL, as the OOM killer would, until stopped. */
function oomKiller(dir: string) {
  let kills = 0
  const timer = setInterval(async () => {
    const { stdout } = await run('ps', ['-eo', 'pid=,args=']).catch(() => ({ stdout: '' }))
    for (const line of stdout.split('\n')) {
      const [pid, ...args] = line.trim().split(/\s+/)
      if (/(^|\/)ffmpeg$/.test(args[0] ?? '') && args.some((a) => a.includes(dir))) {
        try {
          process.kill(Number(pid), 'SIGKILL')
          kills++
        } catch {}
      }
    }
  }, 30)
  return { stop: () => clearInterval(timer), kills: () => kills }
}

/** The bytes of every file under `dir`. */
function bytesUnder(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + statSync(path.join(e.parentPath, e.name)).size, 0)
}

t.test('PostgreSQL restarted during an import: the import resumes, one upload', async (t) => {
  const h = await importHarness(t, { IMPORT_LEASE: '3' }, { relay: true })
  const id = await h.requestImport(0)
  await waitForImport(h.db, id, ['converting', 'uploading', 'done', 'failed'])
  h.relay!.cut()
  await new Promise((resolve) => setTimeout(resolve, 1500))
  h.relay!.restore()
  const done = await waitForImport(h.db, id, ['done', 'failed'], 90_000)
  t.equal(done.state, 'done', done.error ?? '')
  t.comment(`attempts: ${done.attempts}; worker said: ${h.logs.join(' / ')}`)
  const { videos } = await h.pod.state()
  t.equal(videos.length, 1, 'one upload')
  t.equal(videos[0]!.encoding_launches, 1, 'its encoding launched once')
  t.same(h.leftovers(), [], 'no temporary file left')
})

/** A 32 MiB disk of its own (a tmpfs), or why there cannot be one here. */
async function smallDisk(): Promise<string | { skip: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bbbp-small-disk-'))
  const mounted = await run('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', dir]).then(() => true, (e: Error) => e.message)
  if (mounted === true) return dir
  rmSync(dir, { recursive: true, force: true })
  return { skip: `a small disk needs mount -t tmpfs (root): ${mounted}` }
}

const disk = await smallDisk()
t.test('the disk full during the conversion: a clear failure, retried, the temporary files removed', typeof disk === 'string' ? {} : disk, async (t) => {
  if (typeof disk !== 'string') return
  t.teardown(async () => {
    await run('umount', [disk])
    rmSync(disk, { recursive: true, force: true })
  })
  const h = await importHarness(t, { IMPORT_RETRIES: '1' }, { work: disk })
  // What the recording's files need fits, what the conversion writes next does not.
  const recordId = (await h.db.selectFrom('recordings').select('record_id').where('id', '=', h.ids[0]!).executeTakeFirstOrThrow()).record_id
  const needed = bytesUnder(path.join(h.publishedDir, 'presentation', recordId))
  writeFileSync(path.join(disk, 'filler'), Buffer.alloc(32 * 1024 * 1024 - needed - 64 * 1024))
  const failed = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(failed.state, 'failed')
  t.match(failed.error, /no space left on device/i)
  t.comment(failed.error)
  t.equal(failed.attempts, 2, 'space may come back: tried again once')
  t.same(readdirSync(disk), ['filler'], 'the temporary files removed')
  t.equal((await h.pod.state()).videos.length, 0)
})

t.test('ffmpeg killed by the OOM killer: retried, then failed with a clear reason', async (t) => {
  const h = await importHarness(t, { IMPORT_RETRIES: '1' })
  const killer = oomKiller(h.work)
  t.teardown(() => killer.stop())
  const failed = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  killer.stop()
  t.equal(failed.state, 'failed')
  t.equal(failed.attempts, 2, 'one more try: the memory may be there next time')
  t.match(failed.error, /ffmpeg failed \(killed by SIGKILL, probably out of memory\)/)
  t.ok(killer.kills() >= 2, `ffmpeg killed on each attempt (${killer.kills()})`)
  t.same(h.leftovers(), [])
})

t.test('a worker whose clock runs an hour ahead of the database\'s: leases stay exclusive', async (t) => {
  const h = await importHarness(t, { IMPORT_LEASE: '2' }, { startWorker: false })
  const imports = createImportsRepository(h.db)
  const id = await h.requestImport(0)
  // Another worker, on a true clock, holds the import for 30 s.
  const trueClockRun = randomUUID()
  t.notOk(typeof (await imports.begin(id, trueClockRun, 30)) === 'string', 'taken up by the other worker')
  const clockAhead = new URL('../helpers/clock-ahead.mjs', import.meta.url).href
  const child = spawn(process.execPath, ['bin/bbb-portal.js', 'worker'], {
    env: { ...process.env, ...h.workerEnv, IMPORT_LEASE: '2', CLOCK_AHEAD_MS: String(3_600_000), NODE_OPTIONS: `--import=${clockAhead}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  t.teardown(() => child.kill('SIGKILL'))
  for (let waited = 0; !output.includes(`import ${id}: `) && waited < 60_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100))
  t.match(output, `import ${id}: busy`, 'to the worker ahead, the other\'s lease still holds')

  await imports.requeue(id, trueClockRun, 'handed back')
  await h.pipeline.enqueue(id)
  const done = await waitForImport(h.db, id, ['done', 'failed'], 90_000)
  t.equal(done.state, 'done', done.error ?? 'done by the worker ahead')
  t.equal(done.attempts, 2, 'one run each, none taken over')
  const { videos } = await h.pod.state()
  t.equal(videos.length, 1, 'one upload')
  t.equal(videos[0]!.encoding_launches, 1)
})
