import fp from 'fastify-plugin'
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** Prometheus metrics at /metrics: the process's defaults and request durations by route. */
export default fp(
  async (fastify) => {
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })
    const durations = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request durations by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    })
    fastify.addHook('onResponse', async (request, reply) => {
      // The route pattern, never the raw URL: ids and queries would explode the label set.
      const route = request.routeOptions.url ?? 'unknown'
      durations.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000)
    })
    fastify.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()))
  },
  { name: 'metrics' },
)
