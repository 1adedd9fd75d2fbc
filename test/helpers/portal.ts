import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { signToken } from '../../src/auth/tokens.ts'
import type { AppConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { buildApp, jwtSecret, testConfig } from './app.ts'
import { secret, syncHarness } from './sync.ts'

interface TapLike {
  teardown(fn: () => unknown): void
  testdir(): string
}

/** Gives each username the recordings at these positions (ids in start order). */
export async function assignOwners(db: Database, owners: Record<string, number[]>, reason: 'mapping' | 'admin' = 'mapping') {
  const ids = (await db.selectFrom('recordings').select('id').orderBy('start_time').orderBy('id').execute()).map((r) => r.id)
  for (const [username, positions] of Object.entries(owners)) {
    const user = await db.insertInto('users').values({ username, email: `${username}@univ.example`, display_name: username, created_via: 'test' })
      .onConflict((oc) => oc.column('username').doUpdateSet({ updated_at: new Date() })).returning('id').executeTakeFirstOrThrow()
    if (positions.length) {
      await db.insertInto('recording_owners').values(positions.map((p) => ({ recording_id: ids[p]!, user_id: user.id, reason }))).execute()
    }
  }
  return ids
}

/**
 * Synced recordings of a fake BBB (source `old`, shutting down in 30 days), owned by alice
 * (even positions) and bob (odd ones below 10), and the app on them.
 */
export async function portalHarness(t: TapLike, options: { count?: number; env?: Record<string, string> } = {}) {
  const count = options.count ?? 30
  const h = await syncHarness(t, { recordings: syntheticRecordings(count) })
  await h.service.syncSource(h.source)
  const ids = await assignOwners(h.db, {
    alice: Array.from({ length: count }, (_, i) => i).filter((i) => i % 2 === 0),
    bob: Array.from({ length: Math.min(count, 10) }, (_, i) => i).filter((i) => i % 2 === 1),
    carol: [],
  })
  const shutdownAt = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)
  const config: AppConfig = testConfig({ BBB_URL: h.fake.url, BBB_SECRET: secret, BBB_SOURCE_NAME: 'old', BBB_SHUTDOWN_AT: shutdownAt, ...options.env })
  const built = await buildApp(t, h.db, config)
  const bearer = (sub: string) => ({ authorization: `Bearer ${signToken(jwtSecret, { sub, admin: false })}` })
  return { ...h, ...built, config, ids, bearer, alice: bearer('alice'), bob: bearer('bob'), carol: bearer('carol') }
}

/** A browser-like client for inject: keeps cookies, reads the page's CSRF token. */
export function cookieClient(app: FastifyInstance) {
  const jar = new Map<string, string>()
  const keep = (res: LightMyRequestResponse) => {
    for (const c of res.cookies) {
      if (c.value === '' || (c.maxAge !== undefined && c.maxAge <= 0) || (c.expires && c.expires.getTime() < Date.now())) jar.delete(c.name)
      else jar.set(c.name, c.value)
    }
    return res
  }
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const client = {
    jar,
    async get(url: string, headers: Record<string, string> = {}) {
      return keep(await app.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: cookieHeader(), ...headers } }))
    },
    async post(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}) {
      const body = new URLSearchParams()
      for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one)
      return keep(await app.inject({ method: 'POST', url, payload: body.toString(), headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(), ...headers } }))
    },
    async api(method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string> = {}) {
      return keep(await app.inject({ method, url, headers: { accept: 'application/json', cookie: cookieHeader(), ...headers } }))
    },
    /** The CSRF token of a page (from its meta tag). */
    async csrf(url = '/login') {
      const res = await client.get(url)
      const token = /<meta name="csrf-token" content="([^"]+)">/.exec(res.body)?.[1]
      if (!token) throw new Error(`no CSRF token on ${url} (${res.statusCode})`)
      return token
    },
    /** Logs in through the demo form (AUTH=demo). */
    async demoLogin(username: string, admin = false, loginUrl = '/login') {
      const _csrf = await client.csrf(loginUrl)
      return client.post('/auth/demo', { _csrf, username, ...(admin ? { admin: 'on' } : {}) })
    },
  }
  return client
}
