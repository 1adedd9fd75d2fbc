// Faults of the machine under an import: PostgreSQL restarted, the disk full, ffmpeg killed by the
// kernel, a worker whose clock runs ahead of the database's.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import t from 'tap'
import type { Database } from '../../src/db/database.ts'
import { createImportsRepository } from '../../src/jobs/imports-repository.ts'
import { importHarness, startWorkerProcess, waitForImport } from '../helpers/imports.ts'
import { until } from '../helpers/wait.ts'

const run = promisify(execFile)

/**
 * An `ffmpeg` first on PATH that dies by SIGKILL as the OOM killer would end it, writing a line
 * to `count` each time.
 */
function oomKilledFfmpeg(dir: string, count: string) {
  writeFileSync(path.join(dir, 'ffmpeg'), `#!/bin/sh\necho killed >> '${count}'\nkill -KILL $$\n`, { mode: 0o755 })
  return `${dir}:${process.env.PATH}`
}

/** The bytes the files under `dir` take on a tmpfs (each rounded up to its 4 KiB pages). */
function bytesUnder(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + Math.ceil(statSync(path.join(e.parentPath, e.name)).size / 4096) * 4096, 0)
}

t.test('PostgreSQL restarted during an import: the import resumes, one upload', async (t) => {
  const h = await importHarness(t, { IMPORT_LEASE: '3' }, { relay: true })
  const id = await h.requestImport(0)
  await waitForImport(h.db, id, ['converting'])
  h.relay!.cut()
  await new Promise((resolve) => setTimeout(resolve, 1500))
  h.relay!.restore()
  const done = await waitForImport(h.db, id, ['done', 'failed'], 90_000)
  t.equal(done.state, 'done', done.error ?? '')
  // A step written while the server was away fails that attempt; the next one finishes.
  t.ok(done.attempts <= 2, `at most one more attempt (${done.attempts}): ${h.logs.join(' / ')}`)
  const { videos } = await h.pod.state()
  t.equal(videos.length, 1, 'one upload')
  t.equal(videos[0]!.encoding_launches, 1, 'its encoding launched once')
  t.same(h.leftovers(), [], 'no temporary file left')
})

/** A 32 MiB disk of its own (a tmpfs), or why there cannot be one here. */
async function smallDisk(): Promise<string | { skip: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bbbp-small-disk-'))
  const mounted = await run('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', dir]).then(() => true, (e: Error) => e.message)
  if (mounted !== true) {
    rmSync(dir, { recursive: true, force: true })
    return { skip: `a small disk needs mount -t tmpfs (root): ${mounted}` }
  }
  // On the file's own teardown: unmounted whatever the test did, even when it failed.
  t.teardown(async () => {
    await run('umount', [dir]).catch(() => run('umount', ['-l', dir])).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

const disk = await smallDisk()
t.test('the disk full during the conversion: a clear failure, retried, the temporary files removed', typeof disk === 'string' ? {} : disk, async (t) => {
  if (typeof disk !== 'string') return
  const h = await importHarness(t, { IMPORT_RETRIES: '1' }, { work: disk })
  // What the recording's files need fits, what the conversion writes next does not.
  const recordId = (await h.db.selectFrom('recordings').select('record_id').where('id', '=', h.ids[0]!).executeTakeFirstOrThrow()).record_id
  const needed = bytesUnder(path.join(h.publishedDir, 'presentation', recordId))
  writeFileSync(path.join(disk, 'filler'), Buffer.alloc(32 * 1024 * 1024 - needed - 64 * 1024))
  const failed = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(failed.state, 'failed')
  t.match(failed.error, /^ffmpeg failed: no space left on device for its output/)
  t.equal(failed.attempts, 2, 'space may come back: tried again once')
  t.same(readdirSync(disk), ['filler'], 'the temporary files removed')
  t.equal((await h.pod.state()).videos.length, 0)
})

t.test('ffmpeg killed by the OOM killer: retried, then failed with a clear reason', async (t) => {
  const h = await importHarness(t, { IMPORT_RETRIES: '1' })
  const count = path.join(t.testdir(), 'kills')
  const path_ = process.env.PATH
  process.env.PATH = oomKilledFfmpeg(t.testdir(), count)
  t.teardown(() => void (process.env.PATH = path_))
  const failed = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(failed.state, 'failed')
  t.equal(failed.attempts, 2, 'one more try: the memory may be there next time')
  t.match(failed.error, /^ffmpeg failed \(killed by SIGKILL, probably out of memory\)/)
  const kills = readFileSync(count, 'utf8').split('\n').filter(Boolean).length
  t.ok(kills >= 2, `ffmpeg killed in each attempt (${kills} times)`)
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
  const worker = startWorkerProcess(t, { ...h.workerEnv, IMPORT_LEASE: '2', CLOCK_AHEAD_MS: String(3_600_000), NODE_OPTIONS: `--import=${clockAhead}` })
  await until(() => worker.output().includes(`import ${id}: `), 'the worker ahead took the job', 60_000)
  t.match(worker.output(), `import ${id}: busy`, 'to the worker ahead, the other\'s lease still holds')

  // Handed back, the import is the worker ahead's: the leases it writes end 2 s after the
  // database's now, not an hour after (which would keep every other worker out for an hour).
  await imports.requeue(id, trueClockRun, 'handed back')
  await h.enqueue(id)
  const leaseLeft: number[] = []
  for (let row = await leaseOf(h.db, id); row.state !== 'done' && row.state !== 'failed'; row = await leaseOf(h.db, id)) {
    if (row.left !== null) leaseLeft.push(Number(row.left))
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.ok(leaseLeft.length > 0, 'the run was seen under way')
  t.ok(leaseLeft.every((left) => left > 0 && left <= 2.5), `every lease ends within 2 s of the database's clock: ${Math.min(...leaseLeft)}…${Math.max(...leaseLeft)} s`)
  const done = await waitForImport(h.db, id, ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? 'done by the worker ahead')
  t.equal(done.attempts, 2, 'one run each, none taken over')
  const { videos } = await h.pod.state()
  t.equal(videos.length, 1, 'one upload')
  t.equal(videos[0]!.encoding_launches, 1)
})

/** The import's state and the seconds left on its lease, by the database's clock. */
async function leaseOf(db: Database, id: number) {
  return db.selectFrom('imports').select(['state', sql<string | null>`extract(epoch from lease_until - now())`.as('left')]).where('id', '=', id).executeTakeFirstOrThrow()
}
