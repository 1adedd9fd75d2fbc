import fp from 'fastify-plugin'
import { ZodError } from 'zod'
import { HttpProblem } from '../errors.ts'

export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  [key: string]: unknown
}

/** Maps any error to an RFC 7807 body; 5xx details are masked (logged, never sent). */
export function toProblem(error: unknown, instance?: string): Problem {
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
    return { type: 'about:blank', title: 'Bad Request', status, detail: (error as Error).message, instance }
  }
  return { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Something went wrong; the error is in the server log.', instance }
}

export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error, request, reply) => {
      const problem = toProblem(error, request.url.split('?')[0])
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed')
      reply.status(problem.status).type('application/problem+json').send(problem)
    })
    fastify.setNotFoundHandler((request, reply) => {
      reply.status(404).type('application/problem+json').send(toProblem(new HttpProblem(404, 'Not Found', 'No such route.'), request.url.split('?')[0]))
    })
  },
  { name: 'problem' },
)
