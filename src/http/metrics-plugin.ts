import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { ImportsRepository } from '../jobs/imports-repository.ts'
import { notFound, unauthorized } from '../errors.ts'
import { importStates } from '../db/schema.ts'
import { registerImportMetrics } from '../jobs/import-metrics.ts'

/**
 * Prometheus metrics at /metrics: the process's defaults, request durations by route, imports
 * by state (read from the database at each scrape, so any process answers for all), the job
 * queue's depth (pg-boss's count, where the process runs the queue, as serve does), and the
 * import step durations of this process's workers. They tell who uses
 * the service and how much, so they are served only to the holder of METRICS_TOKEN.
 */
export default fp(
  async (fastify, { imports, token, queueSizes }: { imports: Pick<ImportsRepository, 'countByState'>; token?: string; queueSizes?: () => Promise<Record<string, number>> }) => {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    registerImportMetrics(registry)
    new Gauge({
      name: 'bbb_portal_imports', help: 'Imports by state', labelNames: ['state'], registers: [registry],
      async collect() {
        const rows = await imports.countByState()
        for (const state of importStates) this.set({ state }, Number(rows.find((r) => r.state === state)?.n ?? 0))
      },
    })
    new Gauge({
      name: 'bbb_portal_import_queue_jobs', help: 'Jobs of the import queue by state (pg-boss)', labelNames: ['state'], registers: [registry],
      async collect() {
        this.reset()
        // A process without the job queue (none opened) has nothing to count.
        const sizes = await queueSizes?.().catch((): Record<string, number> => ({})) // a queue that cannot answer now leaves the gauge empty, not the scrape
        for (const [state, n] of Object.entries(sizes ?? {})) this.set({ state }, n)
      },
    })
    const durations = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request durations by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    })
    // One child per label set, found by a string key: prom-client would hash the labels at each call.
    const children = new Map<string, ReturnType<typeof durations.labels>>()
    fastify.addHook('onResponse', (request, reply, done) => {
      // The route pattern, never the raw URL: ids and queries would explode the label set.
      const route = request.routeOptions.url ?? 'unknown'
      const key = `${request.method} ${reply.statusCode} ${route}`
      let child = children.get(key)
      if (!child) children.set(key, (child = durations.labels({ method: request.method, route, status: String(reply.statusCode) })))
      child.observe(reply.elapsedTime / 1000)
      done()
    })
    const digest = (value: string) => createHash('sha256').update(value).digest()
    const expected = token === undefined ? undefined : digest(`Bearer ${token}`)
    fastify.get('/metrics', { logLevel: 'warn', config: { ownBearer: true } }, async (request, reply) => {
      if (!expected) throw notFound('Metrics are off: set METRICS_TOKEN to serve them.')
      if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) throw unauthorized('The metrics need the METRICS_TOKEN bearer token.')
      return reply.type(registry.contentType).send(await registry.metrics())
    })
  },
  { name: 'metrics' },
)
