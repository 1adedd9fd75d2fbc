import { stringify } from 'csv-stringify/sync'
import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { csvOptions } from '../csv.ts'
import { pageFields, sourceParams } from '../http/query-fields.ts'
import type { SyncRunsRepository } from '../sync/sync-runs-repository.ts'
import type { AdminService } from './admin-service.ts'
import { presentSyncRun } from './presenters.ts'

const syncRunsQuery = z.strictObject({ source: z.string().max(63).optional(), ...pageFields })

/**
 * `/api/v1/admin/sources…` and `/sync-runs`: each old server's dashboard and report, and what
 * admins run on a whole source: a sync (a dry run first, then applied) and the Moodle notice
 * (preview, apply, revert). See openapi.yaml.
 */
const adminApiSourcesRoutes: FastifyPluginAsync<{ service: AdminService; syncRuns: Pick<SyncRunsRepository, 'list'>; sourceNames: string[] }> = async (fastify, { service, syncRuns, sourceNames }) => {
  fastify.addHook('onRequest', fastify.requireAdmin)

  fastify.get('/sources', async () => ({ data: await Promise.all(sourceNames.map((name) => service.dashboard(name))) }))
  fastify.get('/sources/:name', async (request) => service.dashboard(sourceParams.parse(request.params).name))

  // The report of a source, as JSON or as Pod's CSV (`;`) with the portal's columns after.
  fastify.get('/sources/:name/report', async (request, reply) => {
    const { name } = sourceParams.parse(request.params)
    const { format } = z.strictObject({ format: z.enum(['json', 'csv']).default('json') }).parse(request.query)
    const rows = await service.report(name)
    if (format === 'json') return { data: rows }
    const columns = rows[0] ? Object.keys(rows[0]) : []
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}-report.csv"`)
      .send(stringify(rows.map((r) => Object.values(r)), { ...csvOptions, header: true, columns }))
  })

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

  fastify.get('/sync-runs', async (request) => {
    const { total, rows } = await syncRuns.list(syncRunsQuery.parse(request.query))
    return { total, data: rows.map(presentSyncRun) }
  })
}

export default adminApiSourcesRoutes
