import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { Database } from '../db/database.ts'
import { createRecordingsRepository } from '../sync/recordings-repository.ts'
import { createSyncRunsRepository } from '../sync/sync-runs-repository.ts'
import { createOwnersRepository } from '../owners/owners-repository.ts'
import { presentRecording, presentSyncRun, presentUser } from './presenters.ts'

const page = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
}

const recordingsQuery = z.strictObject({
  source: z.string().max(63).optional(),
  state: z.string().max(32).optional(),
  missing: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  orphaned: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  q: z.string().max(200).optional(),
  ...page,
})

const syncRunsQuery = z.strictObject({ source: z.string().max(63).optional(), ...page })
const usersQuery = z.strictObject({ q: z.string().max(200).optional(), ...page })

/** Read access for admins and tools: `/api/v1/admin/...` (see openapi.yaml). */
const adminRoutes: FastifyPluginAsync<{ db: Database }> = async (fastify, { db }) => {
  const recordings = createRecordingsRepository(db)
  const syncRuns = createSyncRunsRepository(db)
  const owners = createOwnersRepository(db)
  fastify.addHook('onRequest', fastify.requireAdmin)

  fastify.get('/recordings', async (request) => {
    const { total, rows } = await recordings.list(recordingsQuery.parse(request.query))
    const ownerRows = await owners.ownersOf(rows.map((r) => r.id))
    return { total, data: rows.map((r) => presentRecording(r, ownerRows.filter((o) => o.recording_id === r.id))) }
  })

  fastify.get('/users', async (request) => {
    const { total, rows } = await owners.searchUsers(usersQuery.parse(request.query))
    return { total, data: rows.map(presentUser) }
  })

  fastify.get('/sync-runs', async (request) => {
    const { total, rows } = await syncRuns.list(syncRunsQuery.parse(request.query))
    return { total, data: rows.map(presentSyncRun) }
  })
}

export default adminRoutes
