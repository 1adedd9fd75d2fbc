import type { FastifyPluginAsync } from 'fastify'
import { LRUCache } from 'lru-cache'
import { z } from 'zod'
import { recordingSorts, recordingStatuses } from './my-recordings-repository.ts'
import type { TeacherRoutesDeps } from './recordings-service.ts'
import { createAnswerCache } from '../http/answer-cache.ts'
import { afterDay, idParams, isoDay, startOfDay } from '../http/query-fields.ts'
import { presentImport } from '../http/presenters.ts'
import { presentMyRecording } from './presenter.ts'

const commaList = z.string().max(2000).transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))

/** The API's query of "my recordings" (dates are whole days; the page's lenient form is in pages-routes). */
const myRecordingsQuery = z.strictObject({
  q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  status: commaList.pipe(z.array(z.enum(recordingStatuses))).optional(),
  course: z.string().max(300).optional(),
  from: isoDay.optional().transform((v) => (v ? startOfDay(v) : undefined)),
  to: isoDay.optional().transform((v) => (v ? afterDay(v) : undefined)),
  ids: commaList.pipe(z.array(z.string().regex(/^\d{1,9}$/, 'must be ids').transform(Number)).max(200)).optional(),
  sort: z.enum(recordingSorts).default('newest'),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

// Polls repeat a handful of query strings: each is validated once (the parse is pure).
const parsedQueries = new LRUCache<string, { key: string; query: z.infer<typeof myRecordingsQuery> }>({ max: 1000 })
function parseListQuery(request: { url: string; query: unknown }) {
  const at = request.url.indexOf('?')
  const search = at < 0 ? '' : request.url.slice(at)
  let parsed = parsedQueries.get(search)
  if (!parsed) {
    const query = myRecordingsQuery.parse(request.query)
    parsed = { key: JSON.stringify(query), query }
    if (search.length <= 2048) parsedQueries.set(search, parsed) // bounded memory, whatever clients send
  }
  return parsed
}

interface RecordingsApiOptions extends TeacherRoutesDeps {
  cacheTtlMs: number
  publicUrl: string
}

/** The teacher's API (`/api/v1`), used by Pod's front end and by our own pages' scripts. */
const recordingsRoutes: FastifyPluginAsync<RecordingsApiOptions> = async (fastify, { service, deadlines, cacheTtlMs, publicUrl }) => {
  fastify.addHook('onRequest', fastify.requireUser)
  const userId = (request: { viewer: { userId: number } | null }) => request.viewer!.userId
  const lists = createAnswerCache(cacheTtlMs)
  // Whatever a user changes, their next list shows it (the cache is per process; see answer-cache).
  fastify.addHook('onResponse', (request, _reply, done) => {
    if (request.method !== 'GET' && request.viewer) lists.forget(request.viewer.userId)
    done()
  })

  fastify.get('/me', async (request, reply) => {
    const v = request.viewer!
    // A page of another origin in CORS_ORIGINS (Pod) needs the token to change anything with the
    // session cookie; CORS keeps every other origin from reading it.
    const csrf = v.via === 'session' ? { csrfToken: reply.csrfToken() } : {}
    return { username: v.username, displayName: v.displayName, email: v.email, admin: v.isAdmin, ...csrf }
  })

  fastify.get('/recordings', async (request, reply) => {
    const { key, query } = parseListQuery(request)
    let body = lists.get(userId(request), key)
    if (body === undefined) {
      const { total, rows } = await service.list(userId(request), query)
      body = Buffer.from(JSON.stringify({ total, data: rows.map((r) => presentMyRecording(r, deadlines, publicUrl)) }))
      lists.set(userId(request), key, body)
    }
    return reply.type('application/json; charset=utf-8').send(body)
  })

  fastify.get('/recordings/:id', async (request) => {
    return presentMyRecording(await service.get(userId(request), idParams.parse(request.params).id), deadlines, publicUrl)
  })

  fastify.post('/recordings/:id/import', async (request, reply) => {
    const { created, import: row } = await service.requestImport(userId(request), idParams.parse(request.params).id)
    return reply.status(created ? 202 : 200).send(presentImport(row))
  })

  fastify.post('/recordings/:id/decline', async (request) => {
    return presentMyRecording(await service.decline(userId(request), idParams.parse(request.params).id), deadlines, publicUrl)
  })

  fastify.delete('/recordings/:id/decline', async (request) => {
    return presentMyRecording(await service.undecline(userId(request), idParams.parse(request.params).id), deadlines, publicUrl)
  })

  fastify.get('/imports/:id', async (request) => presentImport(await service.getImport(userId(request), idParams.parse(request.params).id)))

  fastify.delete('/imports/:id', async (request) => presentImport(await service.cancelImport(userId(request), idParams.parse(request.params).id)))
}

export default recordingsRoutes
