import { Command, Option } from 'commander'
import { resolveJwtSecret } from '../auth/jwt-secret.ts'
import { signToken } from '../auth/tokens.ts'
import { ConfigError, loadConfig, parseDuration, type AppConfig } from '../config.ts'
import { openDatabase } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { runDemo } from '../demo/demo.ts'
import closeWithGrace from 'close-with-grace'
import { createLogger } from '../log.ts'
import { openRuntime } from '../runtime.ts'
import { listen } from '../server.ts'
import { startSyncSchedule } from '../sync/scheduler.ts'
import { runChecks } from '../check/checks.ts'
import { campaignCommand, deadlineCommand } from './campaign-command.ts'
import { checkCommand, checkLine } from './check-command.ts'
import { convertCommand } from './convert-command.ts'
import { moodleNoticeCommand } from './moodle-notice-command.ts'
import { syncCommand } from './sync-command.ts'

const program = new Command('bbb-portal')
  .description('Rescue the recordings of old BigBlueButton/Scalelite servers: inventory, owners, portal, import to Pod.')
  .option('--config <file>', 'config file listing several BBB sources (JSON or YAML); or BBB_PORTAL_CONFIG')
  .showHelpAfterError()

const config = (): AppConfig => loadConfig(process.env, { configFile: program.opts<{ config?: string }>().config })

program
  .command('migrate')
  .description('Apply pending database migrations (serve and demo do it on start).')
  .action(async () => {
    const c = config()
    const handle = await openDatabase({ databaseUrl: c.databaseUrl, dataDir: c.dataDir })
    try {
      const applied = await migrateToLatest(handle.db)
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date')
    } finally {
      await handle.close()
    }
  })

program.addCommand(syncCommand(config))
program.addCommand(checkCommand(config))
program.addCommand(convertCommand())
program.addCommand(moodleNoticeCommand(config))
program.addCommand(campaignCommand(config))
program.addCommand(deadlineCommand(config))

program
  .command('token')
  .description('Print a bearer token (JWT signed with JWT_SECRET) for the REST API.')
  .argument('<username>', 'who the token speaks for')
  .option('--admin', 'give the token admin rights')
  .option('--ttl <duration>', 'lifetime, e.g. 30m, 1h, 7d', '1h')
  .action((username: string, options: { admin?: boolean; ttl: string }) => {
    parseDuration(options.ttl)
    console.log(signToken(resolveJwtSecret(config()), { sub: username, admin: options.admin ?? false }, options.ttl))
  })

program
  .command('serve')
  .description('Run the web server (migrates first); SYNC_INTERVAL also syncs on a schedule.')
  .addOption(new Option('--port <port>', 'port (PORT)').argParser(Number))
  .addOption(new Option('--host <host>', 'address to listen on (HOST)'))
  .option('--with-worker', 'also run import workers in this process (WORKER_CONCURRENCY)')
  .action(async (options: { port?: number; host?: string; withWorker?: boolean }) => {
    const c = config()
    const log = createLogger(c.logLevel)
    const runtime = await openRuntime(c, { log, pipeline: true })
    const { services, pipeline } = runtime
    // The campaign's e-mails go out as jobs of the queue, sent by this process (one sender per campaign on every host).
    await pipeline!.queue.workCampaigns(async (source) => void (await services.campaign.send(source)))
    const fastify = await listen({ services, scheduleCampaigns: true }, {
      host: options.host ?? c.host, port: options.port ?? c.port, log, trustProxy: c.trustProxy,
      onClose: async () => {
        scheduler?.stop()
        await runtime.close()
      },
    })
    if (options.withWorker) await pipeline!.startWorkers(services.repos.imports, c.imports.concurrency)
    console.log(`bbb-portal listening on ${fastify.listeningOrigin}`)
    const scheduler = c.syncIntervalSeconds ? startSyncSchedule({ intervalSeconds: c.syncIntervalSeconds, sources: c.sources, syncService: services.sync,
      log }) : undefined
    // The same checks as `bbb-portal check`, logged once; a broken part does not stop the service.
    void runChecks(c).then((results) => results.forEach((r) => (r.ok ? log.info(checkLine(r)) : log.warn(checkLine(r)))))
  })

program
  .command('worker')
  .description('Run import workers: take import jobs from the queue, convert, publish (PUBLISH_TARGET). Run as many as you like, on any hosts.')
  .addOption(new Option('--concurrency <n>', 'imports at a time in this process (WORKER_CONCURRENCY)').argParser(Number))
  .action(async (options: { concurrency?: number }) => {
    const c = config()
    const runtime = await openRuntime(c, { log: createLogger(c.logLevel), pipeline: true })
    await runtime.pipeline!.startWorkers(runtime.services.repos.imports, options.concurrency ?? c.imports.concurrency)
    console.log(`bbb-portal worker: ${options.concurrency ?? c.imports.concurrency} at a time, publishing to ${c.imports.target}`)
    closeWithGrace({ delay: 30_000 }, async () => {
      await runtime.close()
    })
  })

program
  .command('decommission')
  .description('After a server\'s shutdown: its recordings not imported leave teachers\' lists (nothing is deleted); --undo restores them.')
  .requiredOption('--source <name>', 'the source (as configured)')
  .option('--undo', 'bring the source back')
  .action(async (options: { source: string; undo?: boolean }) => {
    const c = config()
    const runtime = await openRuntime(c, { log: createLogger(c.logLevel) })
    try {
      const { admin } = runtime.services
      await admin.decommission(`cli:${process.env.USER ?? 'unknown'}`, options.source, options.undo)
      const board = await admin.dashboard(options.source)
      console.log(options.undo
        ? `source "${options.source}" is back: its recordings show again in teachers' lists`
        : `source "${options.source}" is decommissioned: ${board.counts.total - board.counts.imported} recording(s) not imported left teachers' lists (nothing deleted; --undo restores)`)
      if (!options.undo && !board.safeToShutDown) console.warn(`warning: it was not safe to shut down: ${board.counts.awaiting} awaiting a choice, ${board.counts.orphaned} orphaned, ${board.counts.failed} failed, ${board.counts.inProgress} in progress, ${board.counts.missing} missing`)
    } finally {
      await runtime.close()
    }
  })

program
  .command('demo')
  .description('Run everything on this machine: embedded database, a sample BBB server, a first sync, the web server.')
  .action(async () => runDemo(config()))

try {
  await program.parseAsync(process.argv)
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `error: ${(error as Error).message}`)
  process.exitCode = error instanceof ConfigError ? 2 : 1
}
