import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { AdminService } from '../admin/admin-service.ts'

const sourceParams = z.strictObject({ name: z.string().max(63) })

/**
 * What admins run on a whole source from the console: a sync (always shown as a dry run
 * first, then applied) and the Moodle notice (preview, apply, revert).
 */
const adminOperationsRoutes: FastifyPluginAsync<{ service: AdminService }> = async (fastify, { service }) => {
  fastify.addHook('onRequest', fastify.requireAdmin)

  fastify.post('/sources/:name/sync', async (request) => {
    const { name } = sourceParams.parse(request.params)
    const { dry } = z.strictObject({ dry: z.boolean() }).parse(request.body ?? {})
    const summary = await service.sync(request.viewer!.username, name, dry)
    return {
      runId: summary.runId, dry: summary.dry, status: summary.status, complete: summary.complete, error: summary.error,
      counts: summary.counts, changes: summary.changes, owners: summary.owners ?? null,
    }
  })

  fastify.post('/sources/:name/moodle-notice', async (request) => {
    const { name } = sourceParams.parse(request.params)
    const { action } = z.strictObject({ action: z.enum(['preview', 'apply', 'revert']) }).parse(request.body ?? {})
    return { action, changes: (await service.moodleNotice(request.viewer!.username, name, action)).changes }
  })
}

export default adminOperationsRoutes
