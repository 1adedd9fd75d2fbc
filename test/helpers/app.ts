import Fastify from 'fastify'
import app from '../../src/app.ts'
import { signToken } from '../../src/auth/tokens.ts'
import type { Database } from '../../src/db/database.ts'

export const jwtSecret = 'test-jwt-secret-that-is-long-enough-0123'

/** The app as a plugin on a fresh Fastify, with tokens for an admin and a teacher. */
export async function buildApp(t: { teardown(fn: () => unknown): void }, db: Database) {
  const routes: Array<{ method: string; url: string }> = []
  const fastify = Fastify({ logger: false })
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
  })
  await fastify.register(app, { db, jwtSecret })
  await fastify.ready()
  t.teardown(() => fastify.close())
  return {
    app: fastify,
    routes,
    admin: { authorization: `Bearer ${signToken(jwtSecret, { sub: 'admin', admin: true })}` },
    teacher: { authorization: `Bearer ${signToken(jwtSecret, { sub: 'teacher', admin: false })}` },
  }
}
