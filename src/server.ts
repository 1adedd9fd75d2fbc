import closeWithGrace from 'close-with-grace'
import Fastify, { type FastifyInstance } from 'fastify'
import app, { type AppOptions } from './app.ts'

export interface ListenOptions {
  host: string
  port: number
  logLevel: string
  /** Called after the server closed (on a signal or an uncaught error). */
  onClose?: () => Promise<void>
}

/** One-time credentials in callback URLs (CAS tickets, OIDC codes and states) never reach the log. */
export const redactUrl = (url: string) => url.replace(/([?&](?:ticket|code|state)=)[^&#]*/gi, '$1[redacted]')

/** Builds the app, listens, and closes cleanly on SIGINT/SIGTERM. */
export async function listen(appOptions: AppOptions, options: ListenOptions): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: {
      level: options.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: { req: (req) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }) },
    },
    requestTimeout: 120_000,
  })
  await fastify.register(app, appOptions)
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) fastify.log.error({ err }, 'closing after an error')
    await fastify.close()
    await options.onClose?.()
  })
  await fastify.listen({ host: options.host, port: options.port })
  return fastify
}
