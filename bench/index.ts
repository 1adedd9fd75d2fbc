// npm run bench [-- --n 100000 --runs 3 --cases parse,paged,full,owners,convert,render,api,load]: sync figures against a local
// fake BBB over HTTP (owners: with a Moodle of 19 940 activities; parse: the parsing alone), the converter on three synthetic
// 60-minute recordings (bench/convert.ts; convert-slides, convert-screen or convert-tldraw for one of them), and the
// teacher API under load beside Fastify's hello world (bench/api.ts), 200 teachers polling while imports are asked (bench/load.ts).
// Prints one JSON line per case (median of the runs): recordings, wall seconds, peak RSS MB,
// recordings per second, for a first sync and a re-sync with nothing changed.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs, promisify } from 'node:util'
import pg from 'pg'
import { benchApi } from './api.ts'
import { benchConvert } from './convert.ts'
import { benchLoad } from './load.ts'
import { benchMoodle } from './owners.ts'
import { benchParse } from './parse.ts'
import { benchRender } from './render.ts'
import { median } from './stats.ts'

const { values } = parseArgs({
  options: { n: { type: 'string', default: process.env.BENCH_N ?? '100000' }, runs: { type: 'string', default: '3' }, cases: { type: 'string', default: 'parse,paged,full,owners,convert,render,api,load' } },
})
const n = Number(values.n)
const runs = Number(values.runs)
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const database = 'bbb_portal_bench'
const here = path.dirname(new URL(import.meta.url).pathname)
const run = promisify(execFile)

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  await client.query(sql).finally(() => client.end())
}

function startFake(flavour: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fake-bbb-process.ts'), String(n), flavour, 'bench-secret'], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve) => child.stdout.once('data', (d: Buffer) => resolve({ url: d.toString().trim(), stop: () => child.kill() })))
}

async function syncOnce(url: string, dataDir: string, extraEnv: Record<string, string> = {}) {
  const dbUrl = new URL(adminUrl)
  dbUrl.pathname = `/${database}`
  const { stdout } = await run(process.execPath, ['--heap-growing-percent=50', '--import', 'tsx', path.join(here, 'sync-process.ts')], {
    env: { PATH: process.env.PATH, DATABASE_URL: dbUrl.toString(), BBB_URL: url, BBB_SECRET: 'bench-secret', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...extraEnv },
    maxBuffer: 1 << 20,
  })
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!)
  if (result.status !== 'succeeded') throw new Error(`sync failed: ${result.error}`)
  return result as { counts: { listed: number }; owners?: { resolved: number; orphaned: number }; wallSeconds: number; peakRssMB: number }
}

if (values.cases.split(',').includes('parse')) benchParse(n, runs)

const cases = ([['paged', 'bbb-2.6'], ['full', 'bbb-2.5']] as const).filter(([listing]) => values.cases.split(',').includes(listing))
for (const [listing, flavour] of cases) {
  const fake = await startFake(flavour)
  const results: Record<'first' | 'resync', Array<{ wallSeconds: number; peakRssMB: number; listed: number }>> = { first: [], resync: [] }
  try {
    for (let i = 0; i < runs; i++) {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
      await admin(`CREATE DATABASE ${database}`)
      const dataDir = mkdtempSync(path.join(tmpdir(), 'bbb-bench-'))
      for (const kind of ['first', 'resync'] as const) {
        const r = await syncOnce(fake.url, dataDir)
        results[kind].push({ wallSeconds: r.wallSeconds, peakRssMB: r.peakRssMB, listed: r.counts.listed })
      }
      rmSync(dataDir, { recursive: true, force: true })
    }
  } finally {
    fake.stop()
  }
  for (const kind of ['first', 'resync'] as const) {
    const wall = median(results[kind].map((r) => r.wallSeconds))
    console.log(JSON.stringify({
      case: `sync ${listing} ${kind === 'first' ? 'first sync' : 're-sync, nothing changed'}`,
      recordings: results[kind][0]!.listed,
      runs,
      wallSeconds: Number(wall.toFixed(2)),
      peakRssMB: Math.round(median(results[kind].map((r) => r.peakRssMB))),
      recordingsPerSecond: Math.round(results[kind][0]!.listed / wall),
    }))
  }
}
if (values.cases.split(',').includes('owners')) {
  // First sync with owners from a Moodle of 20 000 activities (full listing, like the case above).
  // Each run also makes the same first sync without a Moodle, just before it: on a machine whose
  // speed drifts, the difference within a run is what the owners cost.
  const fake = await startFake('bbb-2.5')
  const moodle = await benchMoodle()
  const results: Array<{ wallSeconds: number; peakRssMB: number; listed: number; resolved: number; ownersSeconds: number }> = []
  const firstSync = async (env: Record<string, string>) => {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    await admin(`CREATE DATABASE ${database}`)
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bbb-bench-'))
    try {
      return await syncOnce(fake.url, dataDir, env)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  try {
    for (let i = 0; i < runs; i++) {
      const without = await firstSync({})
      const r = await firstSync({ MOODLE_DB_URL: moodle.url })
      results.push({ wallSeconds: r.wallSeconds, peakRssMB: r.peakRssMB, listed: r.counts.listed, resolved: r.owners?.resolved ?? 0,
        ownersSeconds: r.wallSeconds - without.wallSeconds })
    }
  } finally {
    fake.stop()
    await moodle.drop()
  }
  const wall = median(results.map((r) => r.wallSeconds))
  console.log(JSON.stringify({
    case: 'sync full first sync with owners (Moodle PostgreSQL, 19 940 activities)', recordings: results[0]!.listed, withOwners: results[0]!.resolved, runs,
    wallSeconds: Number(wall.toFixed(2)), peakRssMB: Math.round(median(results.map((r) => r.peakRssMB))), target: '≤ 30 s',
    ownersSeconds: Number(median(results.map((r) => r.ownersSeconds)).toFixed(2)),
  }))
}
await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
// `convert` runs the three converter cases; `convert-slides`, `convert-screen` or `convert-tldraw` one of them.
const convertCases = values.cases.split(',').flatMap((c) => (c === 'convert' ? ['slides', 'screen', 'tldraw'] : c.startsWith('convert-') ? [c.slice(8)] : []))
if (convertCases.length) await benchConvert(runs, convertCases)
if (values.cases.split(',').includes('render')) await benchRender(runs)
if (values.cases.split(',').includes('api')) await benchApi(adminUrl, runs)
if (values.cases.split(',').includes('load')) await benchLoad(adminUrl, runs)
