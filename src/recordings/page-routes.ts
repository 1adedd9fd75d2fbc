import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { afterDay, blankAsUnset as optional, idParams, isoDay, rowId, startOfDay } from '../http/query-fields.ts'
import { safeReturnTo } from '../auth/return-to.ts'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { HttpProblem, notFound } from '../errors.ts'
import { downloadPath } from '../publish/target.ts'
import { daysUntil, formatDate } from '../dates.ts'
import { languages, translate, type Language } from '../http/i18n.ts'
import { recordingSorts, recordingStatuses } from './my-recordings-repository.ts'
import { recordingView } from './recording-view.ts'
import { isEmbedded } from '../http/view-plugin.ts'
import type { TeacherRoutesDeps } from './recordings-service.ts'

const PAGE_SIZE = 20

// The filter form sends empty fields; unknown values fall back to "all" rather than an error.
const listQuery = z.object({
  q: optional(z.string().trim().max(200)),
  status: optional(z.enum(recordingStatuses)).catch(undefined),
  course: optional(z.string().max(300)),
  from: optional(isoDay).catch(undefined),
  to: optional(isoDay).catch(undefined),
  sort: z.enum(recordingSorts).catch('newest'),
  page: z.coerce.number().int().min(1).max(50_000).catch(1),
})
const bulkBody = z.object({
  action: z.enum(['import', 'decline']),
  ids: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(rowId).max(500)),
  back: z.string().optional(),
})
const downloadName = z.object({ name: z.string().max(300).regex(/^[^/\\\0]+\.mp4$/) })
const backOf = (body: unknown) => safeReturnTo((body as { back?: unknown } | undefined)?.back)

interface PagesOptions extends TeacherRoutesDeps {
  /** Cookies only over https when the portal is served so. */
  secureCookies: boolean
  /** The `directory` target's folder: its files are served to their owners. */
  exportDir: string
}

/** "Mes vidéos externes": server-rendered, every action a plain form with a redirect after POST. */
const pagesRoutes: FastifyPluginAsync<PagesOptions> = async (fastify, { service, deadlines, secureCookies, exportDir }) => {
  const requirePageUser = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.viewer) return
    // Inside Pod's frame the login pages (and the SSO's) cannot show: the teacher logs in in a new tab.
    if (isEmbedded(request.url)) return reply.page('embed-login', { title: translate(request.lang, 'embed.title'), portal: '/recordings' }, 401)
    return reply.redirect(`/login?returnTo=${encodeURIComponent(request.url)}`, 303)
  }
  const formGuard = { preHandler: [requirePageUser, fastify.csrfProtection] }

  fastify.get('/', async (request, reply) => reply.redirect(!request.viewer ? '/login' : request.viewer.isAdmin ? '/admin' : '/recordings', 303))

  fastify.get('/recordings', { preHandler: requirePageUser }, async (request, reply) => {
    const query = listQuery.parse(request.query)
    const userId = request.viewer!.userId
    const filter = {
      q: query.q, status: query.status ? [query.status] : undefined, course: query.course, sort: query.sort,
      from: query.from ? startOfDay(query.from) : undefined,
      to: query.to ? afterDay(query.to) : undefined,
      limit: PAGE_SIZE, offset: (query.page - 1) * PAGE_SIZE,
    }
    const [{ total, rows }, courses, sources] = await Promise.all([service.list(userId, filter), service.courses(userId), service.sources(userId)])
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE))
    const link = (page: number) => `/recordings?${new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])), page: String(page) })}`
    const filtered = Boolean(query.q || query.status || query.course || query.from || query.to)
    return reply.page('recordings', {
      title: translate(request.lang, 'recordings.title'),
      query, total, filtered,
      rows: rows.map((r) => recordingView(request.lang, r)),
      courses, statuses: recordingStatuses, sorts: recordingSorts,
      banners: deadlineBanners(request.lang, fastify.timeZone, sources, deadlines),
      pagination: pages > 1 ? { page: query.page, pages, previous: query.page > 1 ? link(query.page - 1) : null,
        next: query.page < pages ? link(query.page + 1) : null } : null,
      back: request.url,
    })
  })

  // Live updates: the rows asked for, rendered as on the page (same words, same actions).
  fastify.get('/recordings/rows', { preHandler: requirePageUser }, async (request, reply) => {
    const ids = z.object({ ids: z.string().max(2000) }).parse(request.query).ids.split(',').map(Number).filter((n) => Number.isSafeInteger(n) && n > 0).slice(0, 200)
    const { rows } = await service.list(request.viewer!.userId, { ids, sort: 'newest', limit: 200, offset: 0 })
    const back = safeReturnTo((request.query as { back?: string }).back)
    const csrfToken = reply.csrfToken()
    return {
      rows: rows.map((r) => {
        const row = recordingView(request.lang, r)
        return { id: r.id, live: row.live, html: fastify.renderPartial('recording-row', { ...row, lang: request.lang, csrfToken, back }) }
      }),
    }
  })

  fastify.post('/recordings/:id/import', formGuard, async (request, reply) => {
    const { created } = await service.requestImport(request.viewer!.userId, idParams.parse(request.params).id)
    return reply.flash(created ? 'flash.imported' : 'flash.alreadyImporting').redirect(backOf(request.body), 303)
  })
  fastify.post('/recordings/:id/decline', formGuard, async (request, reply) => {
    await service.decline(request.viewer!.userId, idParams.parse(request.params).id)
    return reply.flash('flash.declined').redirect(backOf(request.body), 303)
  })
  fastify.post('/recordings/:id/undecline', formGuard, async (request, reply) => {
    await service.undecline(request.viewer!.userId, idParams.parse(request.params).id)
    return reply.flash('flash.undeclined').redirect(backOf(request.body), 303)
  })
  fastify.post('/imports/:id/cancel', formGuard, async (request, reply) => {
    await service.cancelImport(request.viewer!.userId, idParams.parse(request.params).id)
    return reply.flash('flash.cancelled').redirect(backOf(request.body), 303)
  })

  // Bulk: each selected recording on its own; one that cannot (already imported…) is skipped.
  fastify.post('/recordings/bulk', formGuard, async (request, reply) => {
    const body = bulkBody.parse(request.body)
    if (!body.ids.length) return reply.flash('flash.bulkNone').redirect(safeReturnTo(body.back), 303)
    let count = 0
    for (const id of body.ids) {
      try {
        if (body.action === 'import') await service.requestImport(request.viewer!.userId, id)
        else await service.decline(request.viewer!.userId, id)
        count++
      } catch (error) {
        if (!(error instanceof HttpProblem) || error.status >= 500) throw error
      }
    }
    return reply.flash('flash.bulkDone', { count }).redirect(safeReturnTo(body.back), 303)
  })

  // An import kept in the export folder, for its owners only; any other name is the same 404.
  fastify.get('/downloads/:name', { preHandler: requirePageUser }, async (request, reply) => {
    const name = downloadName.safeParse(request.params).data?.name
    if (!name || !(await service.ownsResult(request.viewer!.userId, downloadPath(name)))) throw notFound('No such video among yours.')
    const file = path.join(exportDir, name)
    const size = (await stat(file).catch(() => undefined))?.size
    if (size === undefined) throw notFound('The video is no longer in the export folder.')
    return reply.type('video/mp4').header('content-length', size).header('content-disposition', `attachment; filename="${name.replace(/"/g, '')}"`).send(createReadStream(file))
  })

  fastify.post('/lang', { preHandler: fastify.csrfProtection }, async (request, reply) => {
    const { lang, back } = z.object({ lang: z.enum(languages), back: z.string().optional() }).parse(request.body)
    reply.setCookie('lang', lang, { path: '/', sameSite: 'lax', maxAge: 365 * 86_400, httpOnly: true, secure: secureCookies })
    return reply.redirect(safeReturnTo(back), 303)
  })
}

/** The shutdown date of each source the teacher has recordings on, counted and written as the dashboard does. */
function deadlineBanners(lang: Language, timeZone: string, sources: string[], deadlines: ReadonlyMap<string, Date | undefined>) {
  const now = new Date()
  return sources.flatMap((source) => {
    const deadline = deadlines.get(source)
    if (!deadline) return []
    const days = daysUntil(deadline, now, timeZone)
    const date = formatDate(lang, deadline, timeZone, false)
    const key = days > 0 ? 'recordings.deadline' : days === 0 ? 'recordings.deadlineToday' : 'recordings.deadlinePast'
    return [{ text: translate(lang, key, { source, date, days }), urgent: days <= 14 }]
  })
}

export default pagesRoutes
