import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import adminRoutes from './api/admin-routes.ts'
import problemPlugin from './api/problem-plugin.ts'
import authPlugin from './auth/auth-plugin.ts'
import type { Database } from './db/database.ts'

export interface AppOptions {
  db: Database
  jwtSecret: string
}

/** The whole web application as one plugin; src/server.ts only listens. */
const app: FastifyPluginAsync<AppOptions> = async (fastify, options) => {
  await fastify.register(problemPlugin)
  await fastify.register(authPlugin, { secret: options.jwtSecret })
  await fastify.register(adminRoutes, { prefix: '/api/v1/admin', db: options.db })
  fastify.get('/health', async () => ({ status: 'ok' }))
}

export default fp(app, { name: 'bbb-portal' })
