import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { pageFields } from '../http/query-fields.ts'
import type { AdminService } from './admin-service.ts'

const auditQuery = z.strictObject({
  actor: z.string().max(100).optional(), action: z.string().max(100).optional(), targetType: z.string().max(50).optional(),
  targetId: z.string().max(300).optional(), ...pageFields,
})

/** `/api/v1/admin/audit`: the journal of every change, who made it, before and after (see openapi.yaml). */
const adminApiAuditRoutes: FastifyPluginAsync<{ service: AdminService }> = async (fastify, { service }) => {
  fastify.addHook('onRequest', fastify.requireAdmin)

  fastify.get('/audit', async (request) => {
    const rows = await service.auditLog(auditQuery.parse(request.query))
    return { data: rows.map((r) => ({ id: Number(r.id), at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, targetType: r.target_type,
      targetId: r.target_id, before: r.before, after: r.after })) }
  })
}

export default adminApiAuditRoutes
