import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { idParams, pageFields, rowId } from '../http/query-fields.ts'
import { presentImport } from '../http/presenters.ts'
import type { OwnersRepository } from '../owners/owners-repository.ts'
import type { RecordingsRepository } from '../sync/recordings-repository.ts'
import { orphanStatuses } from './admin-repository.ts'
import type { AdminService } from './admin-service.ts'
import { presentRecording, presentUser } from './presenters.ts'

const usernames = z.array(z.string().trim().min(1).max(100)).min(1).max(100)
const owner = (o: { username: string; reason: string }) => ({ username: o.username, reason: o.reason })

const recordingsQuery = z.strictObject({
  source: z.string().max(63).optional(),
  state: z.string().max(32).optional(),
  missing: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  orphaned: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  q: z.string().max(200).optional(),
  ...pageFields,
})
const usersQuery = z.strictObject({ q: z.string().max(200).optional(), ...pageFields })
const orphansFilter = z.strictObject({
  source: z.string().max(63).optional(), contextLabel: z.string().max(300).optional(), originServer: z.string().max(300).optional(),
  q: z.string().max(200).optional(),
  status: z.enum(orphanStatuses).optional(),
})

/** `/api/v1/admin/recordings…`, `/orphans/assign` and `/users`: every recording, its owners, its fate (see openapi.yaml). */
interface AdminRecordingsDeps {
  service: AdminService
  recordings: Pick<RecordingsRepository, 'list'>
  owners: Pick<OwnersRepository, 'ownersOf' | 'searchUsers'>
}

const adminApiRecordingsRoutes: FastifyPluginAsync<AdminRecordingsDeps> = async (fastify, { service, recordings, owners }) => {
  fastify.addHook('onRequest', fastify.requireAdmin)
  const actor = (request: FastifyRequest) => request.viewer!.username

  fastify.get('/recordings', async (request) => {
    const { total, rows } = await recordings.list(recordingsQuery.parse(request.query))
    const ownerRows = await owners.ownersOf(rows.map((r) => r.id))
    return { total, data: rows.map((r) => presentRecording(r, ownerRows.filter((o) => o.recording_id === r.id))) }
  })
  fastify.get('/users', async (request) => {
    const { total, rows } = await owners.searchUsers(usersQuery.parse(request.query))
    return { total, data: rows.map(presentUser) }
  })

  fastify.post('/recordings/:id/owners', async (request) => {
    const body = z.strictObject({ usernames }).parse(request.body)
    return { owners: (await service.assignOwners(actor(request), idParams.parse(request.params).id, body.usernames)).map(owner) }
  })
  fastify.delete('/recordings/:id/owners/:username', async (request) => {
    const params = z.strictObject({ id: rowId, username: z.string().max(100) }).parse(request.params)
    return { owners: (await service.unassignOwner(actor(request), params.id, params.username)).map(owner) }
  })
  fastify.post('/orphans/assign', async (request) => {
    const body = z.strictObject({ filter: orphansFilter, usernames }).parse(request.body)
    return service.assignOrphans(actor(request), body.filter, body.usernames)
  })

  fastify.post('/recordings/:id/abandon', async (request, reply) => {
    const { reason } = z.strictObject({ reason: z.string().trim().min(1).max(1000) }).parse(request.body)
    await service.abandon(actor(request), idParams.parse(request.params).id, reason)
    return reply.status(204).send()
  })
  fastify.delete('/recordings/:id/abandon', async (request, reply) => {
    await service.unabandon(actor(request), idParams.parse(request.params).id)
    return reply.status(204).send()
  })
  fastify.post('/recordings/:id/import', async (request, reply) => reply.status(202).send(presentImport(await service.forceImport(actor(request), idParams.parse(request.params).id))))
}

export default adminApiRecordingsRoutes
