// The `load` case: 200 teachers, each polling their list every 2 s as the page's live status does,
// while 20 of them ask for an import, for 60 s, against `serve` with its default answer cache and
// with it off. Prints the p50 and p99 of the polls, over the whole minute, once warm (after the
// first 10 s) and during those first 10 s (a fresh process's first requests wait for its
// connections and its compiled code),
// and every error (a non-2xx answer or a failed request). The answer cache keeps a user's answer
// for API_CACHE_TTL (1 s): a teacher polling every 2 s alone never finds it there, so both runs
// measure the database path; the cache serves several tabs or clients of one user.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { signToken } from '../src/auth/tokens.ts'
import { database, jwtSecret, query, seed, startProcess, stopProcess } from './api.ts'
import { median, percentile } from './stats.ts'

const TEACHERS = 200
const POLL_MS = 2000
const WARM_AFTER_MS = 10_000

/** When a poll was due (ms since the run began) and how long its answer took from then. */
type Poll = { at: number; ms: number }

/**
 * One teacher: a poll every 2 s on a fixed schedule from a random start, each timed from when it
 * was due (a slow answer delays the next poll, and that delay counts); one teacher in ten asks
 * for an import once, at a random moment of the run.
 */
async function teacher(base: string, index: number, run: { began: number; until: number }, polls: Poll[], errors: string[]) {
  const headers = { authorization: `Bearer ${signToken(jwtSecret, { sub: `teacher-${String(index).padStart(4, '0')}`, admin: false }, '1h')}` }
  let askAt = index % 10 === 0 ? run.began + Math.random() * (run.until - run.began) : Infinity
  let due = run.began + Math.random() * POLL_MS
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())))
    if (due >= run.until) return
    try {
      const res = await fetch(`${base}/api/v1/recordings?status=pending`, { headers })
      if (!res.ok) {
        errors.push(`list ${res.status}`)
        await res.arrayBuffer()
      } else {
        const body = (await res.json()) as { data?: Array<{ id: number }> }
        polls.push({ at: due - run.began, ms: performance.now() - due })
        if (performance.now() >= askAt && body.data?.[0]) {
          askAt = Infinity
          await askImport(base, body.data[0].id, headers, errors)
        }
      }
    } catch (error) {
      errors.push((error as Error).message)
    }
    due += POLL_MS
  }
}

async function askImport(base: string, id: number, headers: Record<string, string>, errors: string[]) {
  const ask = await fetch(`${base}/api/v1/recordings/${id}/import`, { method: 'POST', headers })
  await ask.arrayBuffer()
  if (ask.status !== 202 && ask.status !== 200) errors.push(`import ${ask.status}`)
}

export async function benchLoad(adminUrl: string, runs: number, seconds = 60, recordings = 100_000) {
  const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bbb-bench-load-'))
  const env = { DATABASE_URL: dbUrl, JWT_SECRET: jwtSecret, API_RATE_LIMIT: '0', LOG_LEVEL: 'warn', DATA_DIR: dataDir, HOST: '127.0.0.1' }
  try {
    for (const [name, extra] of [['default settings (API_CACHE_TTL=1s)', {}], ['API_CACHE_TTL=0', { API_CACHE_TTL: '0' }]] as const) {
      const results: Array<{ p99: number; p50: number; p99Warm: number; p99Cold: number; polls: number; errors: number; firstErrors: string[] }> = []
      for (let i = 0; i < runs; i++) {
        await seed(adminUrl, dbUrl, recordings) // the imports of the previous run start from scratch
        const serve = await startProcess(['--heap-growing-percent=50', 'bin/bbb-portal.js', 'serve', '--port', '0'], { ...env, ...extra })
        try {
          const polls: Poll[] = []
          const errors: string[] = []
          const began = performance.now()
          await Promise.all(Array.from({ length: TEACHERS }, (_, t) => teacher(serve.url, t, { began, until: began + seconds * 1000 }, polls, errors)))
          const all = polls.map((p) => p.ms).sort((a, b) => a - b)
          const during = (warm: boolean) => polls.filter((p) => (p.at >= WARM_AFTER_MS) === warm).map((p) => p.ms).sort((a, b) => a - b)
          results.push({ p99: percentile(all, 99), p50: percentile(all, 50), p99Warm: percentile(during(true), 99), p99Cold: percentile(during(false), 99),
            polls: all.length, errors: errors.length, firstErrors: errors.slice(0, 3) })
        } finally {
          await stopProcess(serve.child)
        }
      }
      const of = (f: (r: (typeof results)[number]) => number) => Number(median(results.map(f)).toFixed(1))
      console.log(JSON.stringify({
        case: `load: ${TEACHERS} teachers polling their list every ${POLL_MS / 1000} s, ${TEACHERS / 10} imports asked, ${seconds} s, ${name}`,
        runs, polls: of((r) => r.polls), p50Ms: of((r) => r.p50), p99Ms: of((r) => r.p99), p99WarmMs: of((r) => r.p99Warm),
        p99FirstTenSecondsMs: of((r) => r.p99Cold),
        errors: Math.max(...results.map((r) => r.errors)), target: '0 errors, p99 ≤ 100 ms with the cache', firstErrors: results.flatMap((r) => r.firstErrors).slice(0, 3),
      }))
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
    await query(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  }
}
