import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openDatabase, type Database } from '../../src/db/database.ts'
import type { ImportState } from '../../src/db/schema.ts'
import { openImportPipeline } from '../../src/jobs/pipeline.ts'
import { createRepositories } from '../../src/services.ts'
import { memoryLogger } from './log.ts'
import { signToken } from '../../src/auth/tokens.ts'
import { buildApp, jwtSecret, testConfig } from './app.ts'
import { startTestPod, type TestPod } from './test-pod.ts'
import { assignOwners } from './portal.ts'
import { sampleSource } from './samples.ts'
import { bin } from './cli.ts'
import { relayTo } from './net.ts'

interface TapLike {
  teardown(fn: () => unknown): void
}

/**
 * The whole import path on real parts: a fake BBB serving real published files, a sync into a
 * fresh database, the test Pod (Django REST framework, test/pod/) over HTTP, the pg-boss queue, a
 * worker, and the app. Pod knows jdupont already; other teachers are created there. With `relay`,
 * the queue and the workers reach PostgreSQL through a relay the test can cut (a restart); with
 * `work`, conversions happen in that folder.
 */
export async function importHarness(t: TapLike, env: Record<string, string> | ((pod: TestPod) => Record<string, string> | Promise<Record<string, string>>) = {},
  options: { startWorker?: boolean; pod?: Parameters<typeof startTestPod>[1]; relay?: boolean; work?: string } = {}) {
  const { handle, fake, env: sourceEnv, publishedDir } = await sampleSource(t)
  const pod = await startTestPod(t, options.pod)
  await pod.addUser('jdupont')
  const ids = await assignOwners(handle.db, { jdupont: [0, 1], nouveau: [2] })
  const settings: Record<string, string> = {
    ...sourceEnv, POD_URL: pod.url, POD_TOKEN: pod.token, POD_CREATE_USERS: 'true', IMPORT_RETRY_DELAY: '1', IMPORT_RETRIES: '3', ...(typeof env === 'function' ? await env(pod) : env),
  }
  const config = testConfig(settings)
  const work = options.work ?? mkdtempSync(path.join(tmpdir(), 'bbbp-work-'))
  if (!options.work) t.teardown(() => rmSync(work, { recursive: true, force: true }))
  const relay = options.relay ? await relayTo(t, handle.url) : undefined
  const workerHandle = relay ? await openDatabase({ databaseUrl: relay.url, dataDir: work }) : handle
  if (relay) t.teardown(() => workerHandle.close())
  const logs: string[] = []
  const pipeline = await openImportPipeline(config, workerHandle, memoryLogger(logs), { podPollMs: 50, cancelCheckMs: 50, tmpDir: work,
    maintenanceIntervalSeconds: 1 })
  t.teardown(() => pipeline.close())
  /** One worker in this process, on the workers' connection. */
  const startWorkers = () => pipeline.startWorkers(createRepositories(workerHandle.db).imports, 1)
  if (options.startWorker !== false) await startWorkers()
  const built = await buildApp(t, handle.db, config, { pipeline })
  /** Queues an import's job as the web app does. */
  const enqueue = built.services.enqueue!
  const as = (sub: string) => ({ authorization: `Bearer ${signToken(jwtSecret, { sub, admin: false })}` })
  /** Asks for the import of the recording at this position, as its owner would. */
  const requestImport = async (position: number, owner = position === 2 ? 'nouveau' : 'jdupont') => {
    const res = await built.app.inject({ method: 'POST', url: `/api/v1/recordings/${ids[position]}/import`, headers: as(owner) })
    if (res.statusCode !== 202) throw new Error(`import request answered ${res.statusCode}: ${res.body}`)
    return res.json().id as number
  }
  /** The environment a `bbb-portal worker` process needs to work on this harness. */
  const workerEnv = { ...settings, DATABASE_URL: handle.url, LOG_LEVEL: 'info', DATA_DIR: work }
  return { ...built, handle, db: handle.db, fake, pod, config, ids, pipeline, enqueue, startWorkers, logs, work, workerEnv, as, requestImport, relay,
    publishedDir,
    leftovers: () => readdirSync(work) }
}

/**
 * `bbb-portal worker` in its own process, its output kept. The test's teardown stops it with
 * SIGTERM first: a worker killed outright would leave its ffmpeg running.
 */
export function startWorkerProcess(t: TapLike, env: Record<string, string>) {
  const child = spawn(process.execPath, [bin, 'worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
    await exited
    clearTimeout(timer)
  })
  return { child, exited, output: () => output }
}

/** Waits until the import reaches one of these states (or fails the test after `ms`). */
export async function waitForImport(db: Database, importId: number, states: ImportState[], ms = 60_000) {
  const until = Date.now() + ms
  for (;;) {
    const row = await db.selectFrom('imports').selectAll().where('id', '=', importId).executeTakeFirstOrThrow()
    if (states.includes(row.state)) return row
    if (Date.now() > until) throw new Error(`import ${importId} still ${row.state} (${row.error ?? 'no error'}) after ${ms} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
