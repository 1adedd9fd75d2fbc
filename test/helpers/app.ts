import Fastify from 'fastify'
import app from '../../src/app.ts'
import { signToken } from '../../src/auth/tokens.ts'
import { loadConfig, type AppConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { silentLogger } from '../../src/log.ts'
import { createServices, type ServiceOptions } from '../../src/services.ts'
import { freePort } from './net.ts'

export const jwtSecret = 'test-jwt-secret-that-is-long-enough-0123'

const metricsToken = 'test-metrics-token-0123456789'
/** What Prometheus sends to read /metrics in the tests. */
export const metricsAuth = { authorization: `Bearer ${metricsToken}` }

/** A configuration as the environment would give it (rate limits and the list cache off unless asked). */
export const testConfig = (env: Record<string, string> = {}): AppConfig =>
  loadConfig({ API_RATE_LIMIT: '0', LOGIN_RATE_LIMIT: '0', API_CACHE_TTL: '0', METRICS_TOKEN: metricsToken, ...env })

/** The app listening on 127.0.0.1 (for browsers and SSO servers), configured for that address. */
export async function servePortal(t: { teardown(fn: () => unknown): void }, db: Database, env: Record<string, string>,
  extra: Parameters<typeof buildApp>[3] = {}, options: { hostName?: string; port?: number } = {}) {
  const port = options.port ?? (await freePort())
  const base = `http://${options.hostName ?? '127.0.0.1'}:${port}`
  const built = await buildApp(t, db, testConfig({ PUBLIC_URL: base, ...env }), extra)
  await built.app.listen({ host: '127.0.0.1', port })
  return { ...built, base }
}

/** What a test gives the app beyond the database and configuration (the services default to none of these). */
export type AppExtras = Pick<ServiceOptions, 'pipeline' | 'sync' | 'notice'>

/** The app as a plugin on a fresh Fastify, with tokens for an admin and a teacher. */
export async function buildApp(t: { teardown(fn: () => unknown): void }, db: Database, config: AppConfig = testConfig(), extra: AppExtras = {}) {
  const routes: Array<{ method: string; url: string }> = []
  const fastify = Fastify({ logger: false })
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
  })
  const services = createServices(config, { db, kind: 'postgres' }, { log: silentLogger, jwtSecret, ...extra })
  t.teardown(() => services.close())
  await fastify.register(app, { services })
  await fastify.ready()
  t.teardown(() => fastify.close())
  return {
    app: fastify,
    services,
    routes,
    admin: { authorization: `Bearer ${signToken(jwtSecret, { sub: 'admin', admin: true })}` },
    teacher: { authorization: `Bearer ${signToken(jwtSecret, { sub: 'teacher', admin: false })}` },
  }
}

/** The services on a test database, as serve builds them, closed at the end of the test. */
export function testServices(t: { teardown(fn: () => unknown): void }, db: Database, config: AppConfig, extra: AppExtras = {}) {
  const services = createServices(config, { db, kind: 'postgres' }, { log: silentLogger, jwtSecret, ...extra })
  t.teardown(() => services.close())
  return services
}
