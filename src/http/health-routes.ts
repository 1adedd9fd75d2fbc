import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import type { Database } from '../db/database.ts'

/** `/health`, `/healthz`: the process answers; `/readyz`: and its database too (for load balancers and systemd checks). */
const healthRoutes: FastifyPluginAsync<{ db: Database }> = async (fastify, { db }) => {
  fastify.get('/health', async () => ({ status: 'ok' }))
  fastify.get('/healthz', async () => ({ status: 'ok' }))
  fastify.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(db)
      return { status: 'ok' }
    } catch {
      return reply.status(503).send({ status: 'unavailable', detail: 'The database does not answer.' })
    }
  })
}

export default healthRoutes
