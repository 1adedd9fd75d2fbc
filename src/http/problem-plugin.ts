import { STATUS_CODES } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ZodError } from 'zod'
import { HttpProblem } from '../errors.ts'

interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  [key: string]: unknown
}

/** Maps any error to an RFC 7807 body; 5xx details are masked (logged, never sent). */
function toProblem(error: unknown, instance?: string): Problem {
  if (error instanceof HttpProblem) {
    return { type: 'about:blank', title: error.title, status: error.status, detail: error.detail, instance, ...error.extra }
  }
  if (error instanceof ZodError) {
    return {
      type: 'about:blank', title: 'Bad Request', status: 400, detail: 'Some parameters are invalid.', instance,
      'invalid-params': error.issues.map((i) => ({ name: i.path.join('.'), reason: i.message })),
    }
  }
  const status = (error as { statusCode?: number }).statusCode
  if (status && status >= 400 && status < 500) {
    return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Bad Request', status, detail: (error as Error).message, instance }
  }
  return { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Something went wrong; the error is in the server log.', instance }
}

const errorMessageKey = (status: number) => `error.${[400, 401, 403, 404, 409, 429].includes(status) ? status : status >= 500 ? 500 : 409}`

/** Pages get the same errors as HTML; the API, and anyone not asking for HTML, get problem+json. */
const wantsPage = (request: FastifyRequest) =>
  !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html') && typeof (request.server as { view?: unknown }).view === 'function'

function send(problem: Problem, request: FastifyRequest, reply: FastifyReply) {
  if (wantsPage(request)) {
    // "Log in first" sends to the login page; a failed login itself is shown, never looped.
    if (problem.status === 401 && problem.title === 'Unauthorized' && request.method === 'GET' && !request.viewer) {
      return reply.redirect(`/login?returnTo=${encodeURIComponent(request.url)}`, 303)
    }
    return reply.page('error', { problem, messageKey: errorMessageKey(problem.status) }, problem.status)
  }
  return reply.status(problem.status).type('application/problem+json').send(problem)
}

/** Whether some text in a parsed request holds a NUL, which PostgreSQL text cannot store. */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (value === null || typeof value !== 'object' || depth > 8) return false
  return Object.entries(value).some(([key, v]) => key.includes('\u0000') || holdsNul(v, depth + 1))
}

export default fp(
  async (fastify) => {
    // Checked once for every route, before any handler can hand such text to the database.
    fastify.addHook('preValidation', async (request) => {
      if (holdsNul(request.query) || holdsNul(request.params) || holdsNul(request.body)) {
        throw new HttpProblem(400, 'Bad Request', 'Text may not contain NUL characters.')
      }
    })
    fastify.setErrorHandler((error, request, reply) => {
      const problem = toProblem(error, request.url.split('?')[0])
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
      return send(problem, request, reply)
    })
    fastify.setNotFoundHandler((request, reply) => send(toProblem(new HttpProblem(404, 'Not Found', 'No such route.'), request.url.split('?')[0]), request, reply))
  },
  { name: 'problem' },
)
