import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import type { AdminRepository } from '../admin/admin-repository.ts'
import type { SourceConfig } from '../config.ts'
import { HttpProblem, notFound } from '../errors.ts'
import { applyMoodleNotice, revertMoodleNotice, type NoticeDeps } from '../moodle/moodle-notice.ts'
import type { SyncService } from '../sync/sync-service.ts'

const unavailable = (detail: string) => new HttpProblem(503, 'Service Unavailable', detail)
const sourceParams = z.strictObject({ name: z.string().max(63) })

export interface AdminOperationsOptions {
  sources: SourceConfig[]
  repo: AdminRepository
  /** The sync and the Moodle notice, when this process runs them (serve and demo do). */
  syncService?: SyncService
  notice?: NoticeDeps
}

/**
 * What admins run on a whole source from the console: a sync (always shown as a dry run
 * first, then applied) and the Moodle notice (preview, apply, revert).
 */
const adminOperationsRoutes: FastifyPluginAsync<AdminOperationsOptions> = async (fastify, { sources, repo, syncService, notice }) => {
  fastify.addHook('onRequest', fastify.requireAdmin)
  const sourceOf = (name: string) => {
    const source = sources.find((s) => s.name === name)
    if (!source) throw notFound(`No source named "${name}".`)
    return source
  }

  fastify.post('/sources/:name/sync', async (request) => {
    const source = sourceOf(sourceParams.parse(request.params).name)
    const { dry } = z.strictObject({ dry: z.boolean() }).parse(request.body ?? {})
    if (!syncService) throw unavailable('This process does not run syncs.')
    const summary = await syncService.syncSource(source, { dry })
    if (!dry) await repo.audit({ actor: request.viewer!.username, action: 'source.sync', targetType: 'source', targetId: source.name, after: { runId: summary.runId, status: summary.status, counts: summary.counts } })
    return {
      runId: summary.runId, dry: summary.dry, status: summary.status, complete: summary.complete, error: summary.error,
      counts: summary.counts, changes: summary.changes, owners: summary.owners ?? null,
    }
  })

  fastify.post('/sources/:name/moodle-notice', async (request) => {
    const source = sourceOf(sourceParams.parse(request.params).name)
    const { action } = z.strictObject({ action: z.enum(['preview', 'apply', 'revert']) }).parse(request.body ?? {})
    if (!notice) throw unavailable('No Moodle database is configured (MOODLE_DB_URL, or moodles: in the config file).')
    const changes = action === 'revert' ? await revertMoodleNotice(notice, source) : await applyMoodleNotice(notice, source, { dry: action === 'preview' })
    if (action !== 'preview') {
      await repo.audit({ actor: request.viewer!.username, action: `moodle-notice.${action}`, targetType: 'source', targetId: source.name, after: { changed: changes.filter((c) => c.action !== 'skip').length } })
    }
    return { action, changes }
  })
}

export default adminOperationsRoutes
