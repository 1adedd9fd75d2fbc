// The `api` case: autocannon on GET /api/v1/recordings for a teacher owning 200 of 100 000
// recordings (50 connections, 10 s), beside Fastify's hello world measured in the same run.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import pg from 'pg'
import { signToken } from '../src/auth/tokens.ts'
import { median } from './stats.ts'

const here = path.dirname(new URL(import.meta.url).pathname)
const root = path.resolve(here, '..')
export const database = 'bbb_portal_bench_api'
export const jwtSecret = 'bench-jwt-secret-bench-jwt-secret-0123'

export async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query(sql)
  } finally {
    await client.end()
  }
}

/** 100 000 recordings shaped like the sync's, 500 teachers owning 200 each, one import in ten. */
export async function seed(adminUrl: string, dbUrl: string, recordings: number) {
  await query(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  await query(adminUrl, `CREATE DATABASE ${database}`)
  const migrate = spawn(process.execPath, ['bin/bbb-portal.js', 'migrate'], { cwd: root, env: { ...process.env, DATABASE_URL: dbUrl }, stdio: 'ignore' })
  await new Promise((resolve, reject) => migrate.on('exit', (code) => (code === 0 ? resolve(null) : reject(new Error('migrate failed')))))
  await query(dbUrl, `
    INSERT INTO sync_runs (source, dry, status, complete) VALUES ('old', false, 'succeeded', true);
    INSERT INTO recordings (source, record_id, meeting_id, internal_meeting_id, name, meeting_name, published, state, start_time, end_time,
      duration_seconds, participants, metadata, formats, fingerprint, first_seen_at, last_seen_at)
    SELECT 'old', md5(i::text) || '-' || (1672531200000 + i::bigint * 3600000), 'meeting-' || (i % 5000), md5(i::text) || '-' || (1672531200000 + i::bigint * 3600000),
      'Cours ' || (i % 5000) || ' — séance ' || i, 'Cours ' || (i % 5000), true, 'published',
      to_timestamp(1672531200 + i * 3600), to_timestamp(1672531200 + i * 3600 + 3000), 3000, 12,
      jsonb_build_object('bbb-origin', 'Moodle', 'bbb-context-name', 'Cours ' || (i % 5000), 'bbb-context-label', 'C' || (i % 5000)),
      jsonb_build_array(jsonb_build_object('type', 'presentation', 'url', 'https://bbb.univ.example/playback/presentation/2.3/' || md5(i::text),
        'lengthMinutes', 50, 'size', 123456, 'processingTimeMs', 1000, 'previews', (SELECT jsonb_agg(jsonb_build_object('url',
        'https://bbb.univ.example/presentation/' || md5(i::text) || '/thumbnails/thumb-' || n || '.png', 'width', 176, 'height', 136, 'alt', 'Diapositive ' || n)) FROM generate_series(1, 3) n))),
      md5(i::text), now(), now()
    FROM generate_series(1, ${recordings}) i;
    INSERT INTO recording_ownership (recording_id, owner_match, orphaned, checked_at) SELECT id, 'moodle:recordings', false, now() FROM recordings;
    INSERT INTO users (username, created_via) SELECT 'teacher-' || lpad(u::text, 4, '0'), 'bench' FROM generate_series(0, ${recordings / 200 - 1}) u;
    INSERT INTO recording_owners (recording_id, user_id, reason) SELECT r.id, u.id, 'moodle-user' FROM recordings r JOIN users u ON u.username = 'teacher-' || lpad(((r.id - 1) % ${recordings / 200})::text, 4, '0');
    INSERT INTO imports (recording_id, requested_by, state, progress) SELECT o.recording_id, o.user_id, 'converting', 40 FROM recording_owners o WHERE o.recording_id % 10 = 0;
`)
  await query(dbUrl, 'VACUUM ANALYZE') // as autovacuum would have: index-only scans need the visibility map
}

export async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null) return
  await new Promise((resolve) => {
    child.once('exit', resolve)
    child.kill()
  })
}

export function startProcess(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
      if (url) resolve({ child, url })
    })
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)))
  })
}

async function load(url: string, headers: Record<string, string> = {}, duration = 10) {
  const result = await autocannon({ url, connections: 50, duration, headers })
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
  return { requestsPerSecond: result.requests.average, p99: result.latency.p99 }
}

export async function benchApi(adminUrl: string, runs: number, recordings = 100_000) {
  const dbUrl = Object.assign(new URL(adminUrl), { pathname: `/${database}` }).toString()
  await seed(adminUrl, dbUrl, recordings)
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bbb-bench-api-'))
  const env = { DATABASE_URL: dbUrl, JWT_SECRET: jwtSecret, API_RATE_LIMIT: '0', LOG_LEVEL: 'warn', DATA_DIR: dataDir, HOST: '127.0.0.1' }
  // The service as configured by default (answers reused for 1 s), and with that cache off:
  // every request then reads the database, as when many different teachers call at once.
  const cached = await startProcess(['--heap-growing-percent=50', 'bin/bbb-portal.js', 'serve', '--port', '0'], env)
  const uncached = await startProcess(['--heap-growing-percent=50', 'bin/bbb-portal.js', 'serve', '--port', '0'], { ...env, API_CACHE_TTL: '0' })
  const hello = await startProcess(['--import', 'tsx', path.join(here, 'hello-process.ts')], {})
  const auth = { authorization: `Bearer ${signToken(jwtSecret, { sub: 'teacher-0042', admin: false }, '1h')}` }
  const children = [cached, uncached, hello]
  try {
    const answer = await fetch(`${cached.url}/api/v1/recordings`, { headers: auth }).then((r) => r.text())
    const check = JSON.parse(answer) as { total: number; data: unknown[] }
    if (check.total !== 200 || check.data.length !== 20) throw new Error(`the teacher owns ${check.total} recordings, not 200`)
    const answerFile = path.join(dataDir, 'answer.json')
    writeFileSync(answerFile, answer)
    const sameAnswer = await startProcess(['--import', 'tsx', path.join(here, 'hello-process.ts'), answerFile], {})
    children.push(sameAnswer)
    const targets = { hello: hello.url, sameAnswer: sameAnswer.url, cached: `${cached.url}/api/v1/recordings`, uncached: `${uncached.url}/api/v1/recordings` }
    const results: Record<keyof typeof targets, Array<{ requestsPerSecond: number; p99: number }>> = { hello: [], sameAnswer: [], cached: [], uncached: [] }
    const headersOf = (name: string) => (name === 'cached' || name === 'uncached' ? auth : {})
    for (const [name, url] of Object.entries(targets)) await load(url, headersOf(name), 2) // warm-up
    for (let i = 0; i < runs; i++) {
      for (const [name, url] of Object.entries(targets) as Array<[keyof typeof targets, string]>) results[name].push(await load(url, headersOf(name)))
    }
    const rps = (name: keyof typeof targets) => median(results[name].map((r) => r.requestsPerSecond))
    const p99 = (name: keyof typeof targets) => median(results[name].map((r) => r.p99))
    for (const name of ['cached', 'uncached'] as const) {
      console.log(JSON.stringify({
        case: `api GET /api/v1/recordings, ${name === 'cached' ? 'default settings (API_CACHE_TTL=1s)' : 'API_CACHE_TTL=0: every request reads the database'} (200 of ${recordings} recordings, a page of 20, 50 connections, 10 s)`,
        runs, requestsPerSecond: Math.round(rps(name)), p99Ms: p99(name),
        helloWorldRequestsPerSecond: Math.round(rps('hello')), helloWorldP99Ms: p99('hello'),
        ratio: Number((rps(name) / rps('hello')).toFixed(3)), target: 'ratio ≥ 0.25, p99 ≤ 50 ms',
      }))
    }
    console.log(JSON.stringify({
      case: `api reference: bare Fastify answering the same ${answer.length} bytes from memory (the ceiling for this answer)`,
      runs, requestsPerSecond: Math.round(rps('sameAnswer')), p99Ms: p99('sameAnswer'), ratio: Number((rps('sameAnswer') / rps('hello')).toFixed(3)),
    }))
  } finally {
    await Promise.all(children.map((p) => stopProcess(p.child)))
    rmSync(dataDir, { recursive: true, force: true })
    await query(adminUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  }
}
