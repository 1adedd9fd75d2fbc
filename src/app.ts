import { fileURLToPath } from 'node:url'
import fastifyCors from '@fastify/cors'
import fastifyFormbody from '@fastify/formbody'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { sql } from 'kysely'
import { createAdminRepository } from './admin/admin-repository.ts'
import { createAdminService } from './admin/admin-service.ts'
import adminActionsRoutes from './api/admin-actions-routes.ts'
import adminOperationsRoutes from './api/admin-operations-routes.ts'
import adminRoutes from './api/admin-routes.ts'
import campaignRoutes from './api/campaign-routes.ts'
import { startCampaignSchedule } from './campaign/campaign-schedule.ts'
import { openCampaign, type CampaignService } from './campaign/campaign-service.ts'
import campaignPagesRoutes from './portal/campaign-pages-routes.ts'
import metricsPlugin from './api/metrics-plugin.ts'
import problemPlugin from './api/problem-plugin.ts'
import { securityHeaders } from './api/security-headers.ts'
import recordingsRoutes from './api/recordings-routes.ts'
import authPlugin from './auth/auth-plugin.ts'
import loginRoutes from './auth/login-routes.ts'
import type { AppConfig } from './config.ts'
import type { Database } from './db/database.ts'
import type { NoticeDeps } from './moodle/moodle-notice.ts'
import type { SyncService } from './sync/sync-service.ts'
import { createImportsRepository } from './jobs/imports-repository.ts'
import { createOwnersRepository } from './owners/owners-repository.ts'
import { createMyRecordingsRepository } from './portal/my-recordings-repository.ts'
import { createSyncRunsRepository } from './sync/sync-runs-repository.ts'
import adminPagesRoutes from './portal/admin-pages-routes.ts'
import pagesRoutes from './portal/pages-routes.ts'
import { createRecordingsService } from './portal/recordings-service.ts'
import viewPlugin from './portal/view-plugin.ts'

export interface AppOptions {
  db: Database
  jwtSecret: string
  config: AppConfig
  /** Hands a new import to the job queue (the import pipeline). */
  onImportRequested?: (importId: number) => Promise<void>
  /** Syncs and the Moodle notice started from the admin console (serve and demo give them). */
  syncService?: SyncService
  notice?: NoticeDeps
  /** Runs the migration campaign's steps and deadlines every CAMPAIGN_INTERVAL (serve). */
  scheduleCampaigns?: boolean
  /** The campaign service, when the process gives it its job queue (serve); else one is built here. */
  campaign?: CampaignService
}

const publicDir = fileURLToPath(new URL('../public/', import.meta.url))
const openapiFile = fileURLToPath(new URL('../openapi.yaml', import.meta.url))

/** The whole web application as one plugin; src/server.ts only listens. */
const app: FastifyPluginAsync<AppOptions> = async (fastify, { db, jwtSecret, config, onImportRequested, syncService, notice, scheduleCampaigns, ...given }) => {
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
  await fastify.register(fastifyStatic, { root: publicDir, prefix: '/static/', maxAge: '1h', index: false })
  await fastify.register(authPlugin, { db, secret: jwtSecret, config })
  await fastify.register(viewPlugin, { secureCookies: config.auth.secureCookies, timeZone: config.timeZone })
  await fastify.register(metricsPlugin, { db, token: config.api.metricsToken })

  const deadlines = new Map(config.sources.map((s) => [s.name, s.shutdownAt]))
  const imports = createImportsRepository(db)
  const adminService = createAdminService({
    repo: createAdminRepository(db), owners: createOwnersRepository(db), imports, sources: config.sources, timeZone: config.timeZone, enqueue: onImportRequested,
    syncRuns: createSyncRunsRepository(db), syncService, notice,
  })
  const service = createRecordingsService({ recordings: createMyRecordingsRepository(db), imports, onImportRequested })
  await fastify.register(loginRoutes, { db, config })
  await fastify.register(pagesRoutes, { service, deadlines, secureCookies: config.auth.secureCookies, exportDir: config.imports.exportDir })
  await fastify.register(adminPagesRoutes, { service: adminService, sourceNames: config.sources.map((s) => s.name) })
  const campaign = given.campaign ?? openCampaign(db, config, jwtSecret, { enqueue: onImportRequested, log: (m) => fastify.log.warn(m) })
  if (!given.campaign) fastify.addHook('onClose', async () => campaign.close())
  await fastify.register(campaignPagesRoutes, { campaign, secret: jwtSecret })
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
    await api.register(recordingsRoutes, { service, deadlines, cacheTtlMs: config.api.cacheTtlSeconds * 1000, publicUrl: config.publicUrl })
    await api.register(adminRoutes, { prefix: '/admin', db })
    await api.register(adminActionsRoutes, { prefix: '/admin', service: adminService, sourceNames: config.sources.map((s) => s.name) })
    await api.register(adminOperationsRoutes, { prefix: '/admin', service: adminService })
    await api.register(campaignRoutes, { prefix: '/admin', campaign })
  }, { prefix: '/api/v1' })

  await fastify.register(fastifySwagger, { mode: 'static', specification: { path: openapiFile, baseDir: fileURLToPath(new URL('..', import.meta.url)) } })
  // "Try it out" calls the portal the reader is on, whatever its port or name.
  await fastify.register(fastifySwaggerUi, {
    routePrefix: '/api/docs', staticCSP: true,
    transformSpecification: (spec, request) => ({ ...spec, servers: [{ url: `${request.protocol}://${request.host}` }] }),
  })

  fastify.get('/health', async () => ({ status: 'ok' }))
  fastify.get('/healthz', async () => ({ status: 'ok' }))
  fastify.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(db)
      return { status: 'ok' }
    } catch {
      return reply.status(503).send({ status: 'unavailable', detail: 'The database does not answer.' })
    }
  })
}

export default fp(app, { name: 'bbb-portal' })
