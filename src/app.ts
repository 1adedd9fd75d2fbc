import fastifyCors from '@fastify/cors'
import fastifyFormbody from '@fastify/formbody'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import adminApiAuditRoutes from './admin/api-audit-routes.ts'
import adminApiImportsRoutes from './admin/api-imports-routes.ts'
import adminApiRecordingsRoutes from './admin/api-recordings-routes.ts'
import adminApiSourcesRoutes from './admin/api-sources-routes.ts'
import adminPageRoutes from './admin/page-routes.ts'
import authPlugin from './auth/auth-plugin.ts'
import loginRoutes from './auth/login-routes.ts'
import campaignApiRoutes from './campaign/api-routes.ts'
import { startCampaignSchedule } from './campaign/campaign-schedule.ts'
import campaignPageRoutes from './campaign/page-routes.ts'
import healthRoutes from './http/health-routes.ts'
import metricsPlugin from './http/metrics-plugin.ts'
import problemPlugin from './http/problem-plugin.ts'
import { securityHeaders } from './http/security-headers.ts'
import viewPlugin from './http/view-plugin.ts'
import { assetPath } from './paths.ts'
import recordingsApiRoutes from './recordings/api-routes.ts'
import recordingsPageRoutes from './recordings/page-routes.ts'
import type { Services } from './services.ts'

export interface AppOptions {
  /** Everything the app works with, built once by createServices. */
  services: Services
  /** Runs the migration campaign's steps and deadlines every CAMPAIGN_INTERVAL (serve). */
  scheduleCampaigns?: boolean
}

/** The whole web application as one plugin; src/server.ts only listens. */
const app: FastifyPluginAsync<AppOptions> = async (fastify, { services, scheduleCampaigns }) => {
  const { config, db, repos, campaign } = services
  const jwtSecret = services.jwtSecret()
  // Preview thumbnails come from the old BBB servers; nothing else is loaded from elsewhere.
  const bbbOrigins = [...new Set(config.sources.map((s) => new URL(s.url).origin))]
  const headersFramedBy = (ancestors: string[]) => securityHeaders({
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"], 'img-src': ["'self'", 'data:', ...bbbOrigins], 'script-src': ["'self'"],
        'style-src': ["'self'"], 'form-action': ["'self'", ...(config.auth.cas ? [new URL(config.auth.cas.url).origin] : [])],
        'frame-ancestors': ancestors.length ? ancestors : ["'none'"], 'object-src': ["'none'"], 'base-uri': ["'self'"],
        'upgrade-insecure-requests': config.auth.secureCookies ? [] : null,
      },
    },
    xFrameOptions: ancestors.length ? false : undefined,
    strictTransportSecurity: config.auth.secureCookies,
  })
  const headers = headersFramedBy([])
  // Only the teacher's pages may be framed, and only by EMBED_ORIGINS (Pod's "Mes vidéos"): never the admin console.
  const teacherHeaders = config.api.embedOrigins.length ? headersFramedBy(config.api.embedOrigins) : headers
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/recordings') ? teacherHeaders : headers)
    done()
  })
  await fastify.register(problemPlugin)
  await fastify.register(fastifyFormbody, { bodyLimit: 64 * 1024 })
  await fastify.register(fastifyRateLimit, { global: false })
  await fastify.register(fastifyStatic, { root: assetPath('public'), prefix: '/static/', maxAge: '1h', index: false })
  await fastify.register(authPlugin, { sessions: repos.sessions, users: repos.users, secret: jwtSecret, config })
  await fastify.register(viewPlugin, { secureCookies: config.auth.secureCookies, timeZone: config.timeZone })
  await fastify.register(metricsPlugin, { imports: repos.imports, token: config.api.metricsToken, queueSizes: services.queueSizes })

  const deadlines = new Map(config.sources.map((s) => [s.name, s.shutdownAt]))
  const sourceNames = config.sources.map((s) => s.name)
  await fastify.register(loginRoutes, { users: repos.users, config })
  await fastify.register(recordingsPageRoutes, { service: services.recordings, deadlines, secureCookies: config.auth.secureCookies,
    exportDir: config.imports.exportDir })
  await fastify.register(adminPageRoutes, { service: services.admin, sourceNames })
  await fastify.register(campaignPageRoutes, { campaign, secret: jwtSecret })
  if (scheduleCampaigns) {
    const schedule = startCampaignSchedule({ intervalSeconds: config.campaign.intervalSeconds, sources: config.sources, campaign, log: fastify.log })
    fastify.addHook('onClose', () => schedule.stop())
  }

  await fastify.register(async (api) => {
    // Pod's front end calls from its own origin: with a bearer token, or with the teacher's session
    // cookie (a same-site Pod such as pod.univ.fr → portal.univ.fr) and the CSRF header on changes.
    await api.register(fastifyCors, {
      origin: config.api.corsOrigins, credentials: true, methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-CSRF-Token'], maxAge: 600,
    })
    if (config.api.rateLimit) api.addHook('onRequest', fastify.rateLimit({ max: config.api.rateLimit, timeWindow: '1 minute' }))
    await api.register(recordingsApiRoutes, { service: services.recordings, deadlines, cacheTtlMs: config.api.cacheTtlSeconds * 1000,
      publicUrl: config.publicUrl })
    await api.register(async (admin) => {
      await admin.register(adminApiRecordingsRoutes, { service: services.admin, recordings: repos.recordings, owners: repos.owners })
      await admin.register(adminApiImportsRoutes, { service: services.admin })
      await admin.register(adminApiSourcesRoutes, { service: services.admin, syncRuns: repos.syncRuns, sourceNames })
      await admin.register(adminApiAuditRoutes, { service: services.admin })
      await admin.register(campaignApiRoutes, { campaign })
    }, { prefix: '/admin' })
  }, { prefix: '/api/v1' })

  await fastify.register(fastifySwagger, { mode: 'static', specification: { path: assetPath('openapi.yaml'), baseDir: assetPath() } })
  // "Try it out" calls the portal the reader is on, whatever its port or name.
  await fastify.register(fastifySwaggerUi, {
    routePrefix: '/api/docs', staticCSP: true,
    transformSpecification: (spec, request) => ({ ...spec, servers: [{ url: `${request.protocol}://${request.host}` }] }),
  })

  await fastify.register(healthRoutes, { db })
}

export default fp(app, { name: 'bbb-portal' })
