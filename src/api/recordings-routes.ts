import type { FastifyPluginAsync } from 'fastify'
import { z } from 'zod'
import { recordingSorts, recordingStatuses } from '../portal/my-recordings-repository.ts'
import type { RecordingsService } from '../portal/recordings-service.ts'
import { presentImport, presentMyRecording } from './presenters.ts'

const commaList = z.string().max(2000).transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')

/** The query of "my recordings", shared by the API and the page (dates are whole days). */
export const myRecordingsQuery = z.strictObject({
  q: z.string().trim().max(200).optional().transform((v) => v || undefined),
  status: commaList.pipe(z.array(z.enum(recordingStatuses))).optional(),
  course: z.string().max(300).optional(),
  from: day.optional().transform((v) => (v ? new Date(`${v}T00:00:00Z`) : undefined)),
  to: day.optional().transform((v) => (v ? new Date(new Date(`${v}T00:00:00Z`).getTime() + 86_400_000) : undefined)),
  ids: commaList.pipe(z.array(z.string().regex(/^\d{1,9}$/, "must be ids").transform(Number)).max(200)).optional(),
  sort: z.enum(recordingSorts).default('newest'),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) })

/** The teacher's API (`/api/v1`), used by Pod's front end and by our own pages' scripts. */
const recordingsRoutes: FastifyPluginAsync<{ service: RecordingsService; deadlines: ReadonlyMap<string, Date | undefined> }> = async (fastify, { service, deadlines }) => {
  fastify.addHook('onRequest', fastify.requireUser)
  const userId = (request: { viewer: { userId: number } | null }) => request.viewer!.userId

  fastify.get('/me', async (request) => {
    const v = request.viewer!
    return { username: v.username, displayName: v.displayName, email: v.email, admin: v.isAdmin }
  })

  fastify.get('/recordings', async (request) => {
    const { total, rows } = await service.list(userId(request), myRecordingsQuery.parse(request.query))
    return { total, data: rows.map((r) => presentMyRecording(r, deadlines)) }
  })

  fastify.get('/recordings/:id', async (request) => {
    return presentMyRecording(await service.get(userId(request), idParams.parse(request.params).id), deadlines)
  })

  fastify.post('/recordings/:id/import', async (request, reply) => {
    const { created, import: row } = await service.requestImport(userId(request), idParams.parse(request.params).id)
    return reply.status(created ? 202 : 200).send(presentImport(row))
  })

  fastify.post('/recordings/:id/decline', async (request) => {
    return presentMyRecording(await service.decline(userId(request), idParams.parse(request.params).id), deadlines)
  })

  fastify.delete('/recordings/:id/decline', async (request) => {
    return presentMyRecording(await service.undecline(userId(request), idParams.parse(request.params).id), deadlines)
  })

  fastify.get('/imports/:id', async (request) => presentImport(await service.getImport(userId(request), idParams.parse(request.params).id)))

  fastify.delete('/imports/:id', async (request) => presentImport(await service.cancelImport(userId(request), idParams.parse(request.params).id)))
}

export default recordingsRoutes
