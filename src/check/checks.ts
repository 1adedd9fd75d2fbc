import { access, constants, readFile } from 'node:fs/promises'
import { sql } from 'kysely'
import nodemailer from 'nodemailer'
import pg from 'pg'
import { request } from 'undici'
import { createBbbClient } from '../bbb/client.ts'
import type { AppConfig, MoodleDbConfig, SourceConfig } from '../config.ts'
import { openMoodleDb } from '../moodle/moodle-db.ts'
import { readCapped } from '../net/capped-body.ts'
import { checkPod } from './pod-check.ts'

/** One configured part and whether the service can use it, in one line for an admin. */
export interface CheckResult {
  part: string
  ok: boolean
  detail: string
}

const TIMEOUT_MS = 15_000

/** Runs one check within a time limit; whatever it throws becomes its failure line. */
async function checked(part: string, run: () => Promise<string>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS)))
  try {
    return { part, ok: true, detail: await Promise.race([run(), timeout]) }
  } catch (error) {
    return { part, ok: false, detail: (error as Error).message }
  } finally {
    clearTimeout(timer)
  }
}

async function checkSource(source: SourceConfig, config: AppConfig): Promise<string> {
  const client = createBbbClient({ source, connectTimeoutMs: config.connectTimeoutMs, readTimeoutMs: 30_000 })
  // A server that refuses unfiltered listing (by-record-id) is asked for one recording it has.
  const known = source.listing === 'by-record-id' && source.recordIdsFile
    ? (await readFile(source.recordIdsFile, 'utf8')).split(/\s+/).find(Boolean)
    : undefined
  let seen = 0
  const envelope = await client.getRecordings(known ? { recordID: known } : { limit: 1 }, () => {
    seen++
  })
  const total = envelope.totalElements ?? (seen ? 'some' : 'no')
  return `getRecordings answers (${total} recordings${envelope.messageKey ? `, ${envelope.messageKey}` : ''})`
}

/** The Moodle tables owner resolution and the notice read. */
const MOODLE_TABLES = ['bigbluebuttonbn', 'bigbluebuttonbn_recordings', 'bigbluebuttonbn_logs', 'user', 'role', 'role_assignments', 'context', 'enrol', 'user_enrolments', 'config']

async function checkMoodle(settings: MoodleDbConfig): Promise<string> {
  const moodle = openMoodleDb(settings)
  try {
    for (const table of MOODLE_TABLES) await sql`SELECT 1 FROM ${moodle.table(table)} WHERE 1 = 0`.execute(moodle.db)
    return `reads ${MOODLE_TABLES.length} tables (prefix ${settings.prefix})`
  } finally {
    await moodle.close()
  }
}

async function checkGreenlight(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  await client.connect()
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM rooms r JOIN users u ON u.id = r.user_id LEFT JOIN shared_accesses s ON s.room_id = r.id')
    return `reads rooms, users and shared_accesses (${rows[0]!.n} rows)`
  } finally {
    await client.end()
  }
}

async function getText(url: string): Promise<{ status: number; text: string }> {
  const res = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000, maxRedirections: 0 } as Parameters<typeof request>[1])
  return { status: res.statusCode, text: await readCapped(res.body, 1024 * 1024, url) }
}

async function checkCas(casUrl: string): Promise<string> {
  const { status, text } = await getText(`${casUrl}/login`)
  if (status !== 200 || !/<form/i.test(text)) throw new Error(`${casUrl}/login answered HTTP ${status}${status === 200 ? ' without a login form' : ''}`)
  return 'the login page answers'
}

async function checkOidc(issuer: string): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
  const { status, text } = await getText(url)
  if (status !== 200) throw new Error(`${url} answered HTTP ${status}`)
  const discovery = JSON.parse(text) as { issuer?: string; authorization_endpoint?: string; token_endpoint?: string }
  if (!discovery.authorization_endpoint || !discovery.token_endpoint) throw new Error('the discovery document names no authorization or token endpoint')
  return `discovery answers (issuer ${discovery.issuer})`
}

async function checkSmtp(url: string): Promise<string> {
  const transport = nodemailer.createTransport(url, { connectionTimeout: 10_000, greetingTimeout: 10_000 } as object)
  try {
    await transport.verify()
    return 'the server accepts connections'
  } finally {
    transport.close()
  }
}

async function checkWritable(dir: string): Promise<string> {
  await access(dir, constants.W_OK)
  return 'writable'
}

/** Every configured part, each in one line; all of them are tried even when some fail. */
export async function runChecks(config: AppConfig): Promise<CheckResult[]> {
  const { owners, auth, imports } = config
  const recorder = imports.target === 'recorder-dir' ? imports.recorder : undefined
  return Promise.all([
    ...config.sources.map((s) => checked(`BBB ${s.name} (${s.url})`, () => checkSource(s, config))),
    ...Object.entries(owners.moodles).map(([name, m]) => checked(`Moodle ${name}`, () => checkMoodle(m))),
    ...(owners.greenlightUrl ? [checked('Greenlight', () => checkGreenlight(owners.greenlightUrl!))] : []),
    ...(imports.pod ? [checked(`Pod (${imports.pod.url})`, () => checkPod(imports.pod!, { recorder: Boolean(recorder?.assign) }))] : []),
    ...(recorder ? [checked(`recorder folder (${recorder.dir})`, () => checkWritable(recorder.dir))] : []),
    ...(auth.cas ? [checked(`CAS (${auth.cas.url})`, () => checkCas(auth.cas!.url))] : []),
    ...(auth.oidc ? [checked(`OIDC (${auth.oidc.issuer})`, () => checkOidc(auth.oidc!.issuer))] : []),
    ...(imports.smtpUrl ? [checked('SMTP', () => checkSmtp(imports.smtpUrl!))] : []),
  ])
}
