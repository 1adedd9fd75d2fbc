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

/** Builds the app, listens, and closes cleanly on SIGINT/SIGTERM. */
export async function listen(appOptions: AppOptions, options: ListenOptions): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: { level: options.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
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
