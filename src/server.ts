import closeWithGrace from 'close-with-grace'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import app, { type AppOptions } from './app.ts'
import type { createLogger } from './log.ts'

export interface ListenOptions {
  host: string
  port: number
  /** X-Forwarded-* from these proxies are believed (TRUST_PROXY). */
  trustProxy?: boolean | string[]
  /** The process's logger: the server logs its requests through it. */
  log: ReturnType<typeof createLogger>
  /** Called after the server closed (on a signal or an uncaught error). */
  onClose?: () => Promise<void>
}

/** Builds the app, listens, and closes cleanly on SIGINT/SIGTERM. */
export async function listen(appOptions: AppOptions, options: ListenOptions): Promise<FastifyInstance> {
  const fastify = Fastify({ loggerInstance: options.log as FastifyBaseLogger, requestTimeout: 120_000, trustProxy: options.trustProxy ?? false })
  await fastify.register(app, appOptions)
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) fastify.log.error({ err }, 'closing after an error')
    await fastify.close()
    await options.onClose?.()
  })
  await fastify.listen({ host: options.host, port: options.port })
  return fastify
}
