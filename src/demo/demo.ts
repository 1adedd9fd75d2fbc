import path from 'node:path'
import type { AppConfig } from '../config.ts'
import { sourceSchema } from '../config.ts'
import { signToken } from '../auth/tokens.ts'
import { createLogger } from '../log.ts'
import { openRuntime } from '../runtime.ts'
import { listen } from '../server.ts'
import { formatSummary } from '../sync/sync-report.ts'
import { FakeBbb } from './fake-bbb.ts'
import { sampleMoodle } from './sample-moodle.ts'
import { generateSampleRecordings, SAMPLE_MOODLE_SERVER } from './sample-recordings.ts'

/**
 * Everything on one machine with nothing installed: the embedded database (unless
 * DATABASE_URL is set), a sample BBB server of our own on localhost with a few generated
 * recordings, a first sync of it, and the web server.
 */
const DEMO_TEACHER = 'enseignant'

export async function runDemo(config: AppConfig): Promise<void> {
  const secret = 'demo-secret-not-for-production'
  const publishedDir = path.join(config.dataDir, 'demo-bbb')
  const fake = new FakeBbb({ secret, flavour: 'bbb-2.6', publishedDir })
  const bbbUrl = await fake.start()
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel)
  fake.recordings = await generateSampleRecordings(publishedDir, bbbUrl, log)

  const source = sourceSchema.parse({ name: 'demo', url: bbbUrl, secret, shutdownAt: new Date(Date.now() + 60 * 86_400_000) })
  // The demo logs in without a password unless an SSO is configured (AUTH=demo is never the default elsewhere).
  const methods = config.auth.methods.length ? config.auth.methods : (['demo'] as const)
  const demoConfig: AppConfig = { ...config, sources: [source, ...config.sources.filter((s) => s.name !== 'demo')], auth: { ...config.auth, methods: [...methods] },
    // Nothing tells the demo who made its sample recordings: they go to one teacher.
    owners: { ...config.owners, fallbackOwner: config.owners.fallbackOwner ?? DEMO_TEACHER },
  }
  const runtime = await openRuntime(demoConfig, { log, pipeline: true, moodles: async (handle) => ({ [SAMPLE_MOODLE_SERVER]: await sampleMoodle(handle.db) }) })
  const { services } = runtime
  const summary = await services.sync.syncSource(source)
  console.log(formatSummary(summary, bbbUrl))

  // Imports run in this process; without Pod they land in DATA_DIR/exports.
  await runtime.pipeline!.startWorkers(services.repos.imports)
  await runtime.pipeline!.queue.workCampaigns(async (name) => void (await services.campaign.send(name)))
  await listen({ services }, {
    host: config.host, port: config.port, log,
    onClose: async () => {
      await runtime.close()
      await fake.stop()
    },
  })
  const token = signToken(services.jwtSecret(), { sub: 'demo-admin', admin: true }, '12h')
  console.log(`
bbb-recordings-portal demo is running on ${config.publicUrl}  (database: ${runtime.handle.kind}, data in ${config.dataDir})
  sample BBB server: ${bbbUrl}  (secret: ${secret})
  sample Moodle (in the demo's database): owners found as in production
  portal: ${config.publicUrl}/login ${methods.includes('demo') ? `(demo login, no password: "enseignant" teaches both courses, "marie.curie" co-teaches algebra; the Greenlight room is an orphan, given to "${demoConfig.owners.fallbackOwner}" by FALLBACK_OWNER; tick "Administrateur" for the console)` : ''}
  imports: published to ${demoConfig.imports.target === 'directory' ? demoConfig.imports.exportDir : demoConfig.imports.target}
  API docs: ${config.publicUrl}/api/docs
  try: curl -H 'Authorization: Bearer ${token}' ${config.publicUrl}/api/v1/admin/recordings
Stop with Ctrl+C.`)
}
