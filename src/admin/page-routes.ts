import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { orphanStatuses, type OrphanFilter } from './admin-repository.ts'
import { blankAsUnset as optional, idParams } from '../http/query-fields.ts'
import type { AdminService } from './admin-service.ts'
import { safeReturnTo } from '../auth/return-to.ts'
import { isActiveImport } from '../db/schema.ts'
import { forbidden } from '../errors.ts'
import { stringify } from 'csv-stringify/sync'
import { csvOptions } from '../csv.ts'
import { resultLink } from '../publish/target.ts'
import { auditActionLabel, describeAuditEntry } from './audit-view.ts'
import { translate } from '../http/i18n.ts'
import { formatDuration } from '../http/view-helpers.ts'
import { formatDate } from '../dates.ts'

const PAGE_SIZE = 50
const orphanQuery = z.object({
  source: optional(z.string().max(63)), contextLabel: optional(z.string().max(300)), originServer: optional(z.string().max(300)),
  q: optional(z.string().max(200)),
  status: optional(z.enum(orphanStatuses)),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
})
const orphanFilterOf = ({ source, contextLabel, originServer, q, status }: z.infer<typeof orphanQuery>): OrphanFilter => ({ source, contextLabel, originServer,
  q, status })
const usernamesOf = (text: unknown) => String(text ?? '').split(/[,\s]+/).map((u) => u.trim()).filter(Boolean)

interface AdminPagesOptions {
  service: AdminService
  sourceNames: string[]
}

/** Admin pages: a visitor is sent to log in, a teacher is refused. */
export const requireAdminPage = async (request: FastifyRequest, reply: FastifyReply) => {
  if (!request.viewer) return reply.redirect(`/login?returnTo=${encodeURIComponent(request.url)}`, 303)
  if (!request.viewer.isAdmin) throw forbidden()
}

/** The admin console: pages over the admin service, every change a form with a redirect after POST. */
const adminPagesRoutes: FastifyPluginAsync<AdminPagesOptions> = async (fastify, { service, sourceNames }) => {
  const nameOf = (request: FastifyRequest) => z.object({ name: z.string().max(63) }).parse(request.params).name
  const idOf = (request: FastifyRequest) => idParams.parse(request.params).id
  const form = { preHandler: [requireAdminPage, fastify.csrfProtection] }
  const actor = (request: FastifyRequest) => request.viewer!.username
  const t = (request: FastifyRequest, key: string, params?: Record<string, unknown>) => translate(request.lang, key, params)
  const hours = (request: FastifyRequest, value: number) => formatDuration(request.lang, value * 3600)

  fastify.get('/admin', { preHandler: requireAdminPage }, async (request, reply) => {
    const boards = await Promise.all(sourceNames.map((name) => service.dashboard(name)))
    const runs = await Promise.all(sourceNames.map((name) => service.recentSyncRuns(name, 5)))
    return reply.page('admin-dashboard', {
      title: t(request, 'admin.title'), section: 'dashboard', noticeAvailable: service.noticeAvailable,
      boards: boards.map((b, i) => ({
        runs: runs[i]!.map((r) => ({ ...r, counts: `${r.listed_count} / +${r.new_count} / ~${r.updated_count} / −${r.missing_count}` })),
        ...b,
        countList: Object.entries(b.counts).map(([key, value]) => ({
          label: t(request, `admin.count.${key}`), value, key, href: key === 'orphaned' ? `/admin/orphans?source=${encodeURIComponent(b.source)}&status=orphaned` : undefined,
        })),
        orphansText: t(request, 'admin.orphansTotal', { count: b.orphans }),
        hoursText: t(request, 'admin.hours', { total: hours(request, b.mediaHours.total), unsettled: hours(request, b.mediaHours.unsettled) }),
        queueText: t(request, 'admin.queue', { queue: b.queue, perDay: b.importsPerDay }),
        etaText: b.queue === 0 ? null : b.etaHours === null ? t(request, 'admin.etaUnknown') : t(request, 'admin.eta', { eta: hours(request, b.etaHours) }),
        deadlineText: b.deadline ? t(request, b.daysLeft! > 0 ? 'admin.deadline' : b.daysLeft === 0 ? 'admin.deadlineToday' : 'admin.deadlinePast', { date: formatDate(request.lang, b.deadline, fastify.timeZone, false), days: b.daysLeft }) : null,
        fateText: b.deadlineAppliedAt ? t(request, 'campaign.deadlineDone', { date: formatDate(request.lang, b.deadlineAppliedAt, fastify.timeZone, false) }) : b.deadline ? t(request, `campaign.fate.${b.atDeadline}`) : null,
        retiredText: b.retiredAt ? t(request, 'admin.retired', { date: formatDate(request.lang, b.retiredAt, fastify.timeZone, false) }) : null,
      })),
    })
  })

  // A sync is always shown as a dry run first; "Appliquer" then runs it for real.
  fastify.post('/admin/sources/:name/sync-preview', form, async (request, reply) => {
    const name = nameOf(request)
    const summary = await service.sync(actor(request), name, true)
    return reply.page('admin-sync', {
      title: t(request, 'admin.sync.title', { source: name }), section: 'dashboard', source: name, summary,
      diffText: t(request, 'admin.sync.diff', { new: summary.counts.new, updated: summary.counts.updated, missing: summary.counts.missing, listed: summary.counts.listed }),
      errorText: summary.error ? t(request, 'admin.sync.failed', { error: summary.error }) : null,
    })
  })
  fastify.post('/admin/sources/:name/sync', form, async (request, reply) => {
    const summary = await service.sync(actor(request), nameOf(request), false)
    return reply.flash('flash.synced', { run: summary.runId }).redirect('/admin', 303)
  })

  fastify.get('/admin/orphans', { preHandler: requireAdminPage }, async (request, reply) => {
    const query = orphanQuery.parse(request.query)
    const { total, rows } = await service.orphans(orphanFilterOf(query), PAGE_SIZE, (query.page - 1) * PAGE_SIZE)
    return reply.page('admin-orphans', { title: t(request, 'admin.orphans.title'), section: 'orphans', query, total, rows, sources: sourceNames, statuses: orphanStatuses, back: request.url })
  })
  fastify.post('/admin/recordings/:id/owners', form, async (request, reply) => {
    await service.assignOwners(actor(request), idOf(request), usernamesOf((request.body as { usernames?: unknown }).usernames))
    return reply.flash('flash.assigned', { count: 1 }).redirect(backOf(request.body, '/admin/orphans'), 303)
  })
  fastify.post('/admin/orphans/assign', form, async (request, reply) => {
    const body = request.body as Record<string, unknown>
    const q = orphanQuery.parse(body)
    const { assigned } = await service.assignOrphans(actor(request), orphanFilterOf(q), usernamesOf(body.usernames))
    return reply.flash('flash.assigned', { count: assigned }).redirect(backOf(body, '/admin/orphans'), 303)
  })

  fastify.get('/admin/recordings/:id', { preHandler: requireAdminPage }, async (request, reply) => {
    const detail = await service.recordingDetail(idOf(request))
    const history = detail.history.map((i) => ({ ...i, cancellable: isActiveImport(i.state), result: i.state === 'done' ? resultLink(i.pod_video_url, '') : null }))
    return reply.page('admin-recording', { title: detail.recording.name, section: 'orphans', ...detail, history, back: request.url })
  })
  fastify.post('/admin/recordings/:id/owners/remove', form, async (request, reply) => {
    const { username } = z.object({ username: z.string().max(100) }).parse(request.body)
    await service.unassignOwner(actor(request), idOf(request), username)
    return reply.redirect(`/admin/recordings/${idOf(request)}`, 303)
  })
  fastify.post('/admin/recordings/:id/import', form, async (request, reply) => {
    await service.forceImport(actor(request), idOf(request))
    return reply.flash('flash.imported').redirect(`/admin/recordings/${idOf(request)}`, 303)
  })
  fastify.post('/admin/recordings/:id/abandon', form, async (request, reply) => {
    const { reason } = z.object({ reason: z.string().trim().min(1).max(1000) }).parse(request.body)
    await service.abandon(actor(request), idOf(request), reason)
    return reply.redirect(`/admin/recordings/${idOf(request)}`, 303)
  })
  fastify.post('/admin/recordings/:id/unabandon', form, async (request, reply) => {
    await service.unabandon(actor(request), idOf(request))
    return reply.redirect(`/admin/recordings/${idOf(request)}`, 303)
  })
  fastify.post('/admin/imports/:id/cancel', form, async (request, reply) => {
    await service.cancelImport(actor(request), idOf(request))
    return reply.flash('flash.cancelled').redirect(backOf(request.body, '/admin/imports'), 303)
  })

  // The Moodle notice: a preview page first, then apply; or revert.
  fastify.post('/admin/sources/:name/moodle-notice', form, async (request, reply) => {
    const name = nameOf(request)
    const { action } = z.object({ action: z.enum(['preview', 'apply', 'revert']) }).parse(request.body)
    const { changes, changed } = await service.moodleNotice(actor(request), name, action)
    if (action === 'preview') return reply.page('admin-notice', { title: t(request, 'admin.notice.title', { source: name }), section: 'dashboard', source: name, changes: changes.filter((c) => c.action !== 'skip') })
    return reply.flash('flash.notice', { count: changed }).redirect('/admin', 303)
  })

  fastify.get('/admin/imports', { preHandler: requireAdminPage }, async (request, reply) => {
    return reply.page('admin-imports', { title: t(request, 'admin.imports.title'), section: 'imports', rows: await service.failedImports(200, 0) })
  })
  fastify.post('/admin/imports/:id/retry', form, async (request, reply) => {
    await service.retryImport(actor(request), idOf(request))
    return reply.flash('flash.retried', { count: 1 }).redirect('/admin/imports', 303)
  })
  fastify.post('/admin/imports/retry-failed', form, async (request, reply) => {
    const { retried } = await service.retryAllFailed(actor(request))
    return reply.flash('flash.retried', { count: retried }).redirect('/admin/imports', 303)
  })

  // The journal in words, its action filter a list of what it holds; the same rows as CSV.
  const auditQuery = z.object({ actor: optional(z.string().max(100)), action: optional(z.string().max(100)) })
  const journal = async (request: FastifyRequest, limit: number) => {
    const query = auditQuery.parse(request.query)
    const rows = await service.auditLog({ ...query, limit, offset: 0 })
    return { query, entries: rows.map((r) => describeAuditEntry(request.lang, fastify.timeZone, r)) }
  }
  fastify.get('/admin/audit', { preHandler: requireAdminPage }, async (request, reply) => {
    const { query, entries } = await journal(request, 200)
    const actions = (await service.auditActions()).map((value) => ({ value, label: auditActionLabel(request.lang, value) }))
    const csvUrl = `/admin/audit.csv${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`
    return reply.page('admin-audit', { title: t(request, 'admin.audit.title'), section: 'audit', query, entries, actions, csvUrl })
  })
  fastify.get('/admin/audit.csv', { preHandler: requireAdminPage }, async (request, reply) => {
    const { entries } = await journal(request, 100_000)
    const columns = ['admin.audit.when', 'admin.audit.who', 'admin.audit.what', 'admin.audit.target', 'admin.audit.change'].map((key) => t(request, key))
    const rows = entries.map((e) => [e.at, e.actor, e.action, e.target.text, e.change])
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="journal.csv"')
      .send(stringify(rows, { ...csvOptions, header: true, columns }))
  })
}

const backOf = (body: unknown, fallback: string) => safeReturnTo((body as { back?: unknown } | undefined)?.back, fallback)

export default adminPagesRoutes
