import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { stringify } from 'csv-stringify/sync'
import { csvOptions } from '../csv.ts'
import { z } from 'zod'
import { orphanStatuses } from '../admin/admin-repository.ts'
import type { AdminService } from '../admin/admin-service.ts'
import { presentImport } from './presenters.ts'
import { idParams, rowId } from './query-fields.ts'

const usernames = z.array(z.string().trim().min(1).max(100)).min(1).max(100)
const page = { limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) }
const owner = (o: { username: string; reason: string }) => ({ username: o.username, reason: o.reason })

/** What admins change: owners, abandonment, imports, and the audit log of it all. */
const adminActionsRoutes: FastifyPluginAsync<{ service: AdminService; sourceNames: string[] }> = async (fastify, { service, sourceNames }) => {
  fastify.addHook('onRequest', fastify.requireAdmin)
  const actor = (request: FastifyRequest) => request.viewer!.username

  fastify.get('/sources', async () => ({ data: await Promise.all(sourceNames.map((name) => service.dashboard(name))) }))
  fastify.get('/sources/:name', async (request) => service.dashboard(z.strictObject({ name: z.string().max(63) }).parse(request.params).name))

  // The report of a source, as JSON or as Pod's CSV (`;`) with the portal's columns after.
  fastify.get('/sources/:name/report', async (request, reply) => {
    const { name } = z.strictObject({ name: z.string().max(63) }).parse(request.params)
    const { format } = z.strictObject({ format: z.enum(['json', 'csv']).default('json') }).parse(request.query)
    const rows = await service.report(name)
    if (format === 'json') return { data: rows }
    const columns = rows[0] ? Object.keys(rows[0]) : []
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}-report.csv"`)
      .send(stringify(rows.map((r) => Object.values(r)), { ...csvOptions, header: true, columns }))
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
    const body = z.strictObject({
      filter: z.strictObject({
        source: z.string().max(63).optional(), contextLabel: z.string().max(300).optional(), originServer: z.string().max(300).optional(), q: z.string().max(200).optional(),
        status: z.enum(orphanStatuses).optional(),
      }),
      usernames,
    }).parse(request.body)
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

  fastify.get('/imports/failed', async (request) => {
    const q = z.strictObject(page).parse(request.query)
    const rows = await service.failedImports(q.limit, q.offset)
    return { data: rows.map((r) => ({ id: r.id, recordingId: r.recording_id, source: r.source, name: r.name, username: r.username, error: r.error, attempts: r.attempts, finishedAt: r.finished_at?.toISOString() ?? null })) }
  })
  fastify.post('/imports/:id/retry', async (request, reply) => reply.status(202).send(presentImport(await service.retryImport(actor(request), idParams.parse(request.params).id))))
  fastify.post('/imports/retry-failed', async (request) => service.retryAllFailed(actor(request)))
  fastify.delete('/imports/:id', async (request) => presentImport(await service.cancelImport(actor(request), idParams.parse(request.params).id)))

  fastify.get('/audit', async (request) => {
    const q = z.strictObject({ actor: z.string().max(100).optional(), action: z.string().max(100).optional(), targetType: z.string().max(50).optional(), targetId: z.string().max(300).optional(), ...page }).parse(request.query)
    const rows = await service.auditLog(q)
    return { data: rows.map((r) => ({ id: Number(r.id), at: new Date(r.at).toISOString(), actor: r.actor, action: r.action, targetType: r.target_type, targetId: r.target_id, before: r.before, after: r.after })) }
  })
}

export default adminActionsRoutes
