import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { presentImport } from '../http/presenters.ts'
import { idParams, pageFields } from '../http/query-fields.ts'
import type { AdminService } from './admin-service.ts'

/** `/api/v1/admin/imports…`: the failed imports, retrying and cancelling them (see openapi.yaml). */
const adminApiImportsRoutes: FastifyPluginAsync<{ service: AdminService }> = async (fastify, { service }) => {
  fastify.addHook('onRequest', fastify.requireAdmin)
  const actor = (request: FastifyRequest) => request.viewer!.username

  fastify.get('/imports/failed', async (request) => {
    const q = z.strictObject(pageFields).parse(request.query)
    const rows = await service.failedImports(q.limit, q.offset)
    return { data: rows.map((r) => ({ id: r.id, recordingId: r.recording_id, source: r.source, name: r.name, username: r.username, error: r.error,
      attempts: r.attempts, finishedAt: r.finished_at?.toISOString() ?? null })) }
  })
  fastify.post('/imports/:id/retry', async (request, reply) => reply.status(202).send(presentImport(await service.retryImport(actor(request), idParams.parse(request.params).id))))
  fastify.post('/imports/retry-failed', async (request) => service.retryAllFailed(actor(request)))
  fastify.delete('/imports/:id', async (request) => presentImport(await service.cancelImport(actor(request), idParams.parse(request.params).id)))
}

export default adminApiImportsRoutes
