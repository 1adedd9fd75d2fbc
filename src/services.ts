import { readFileSync } from 'node:fs'
import { createAdminRepository } from './admin/admin-repository.ts'
import { createAdminService } from './admin/admin-service.ts'
import { resolveJwtSecret } from './auth/jwt-secret.ts'
import { createSessionsRepository } from './auth/sessions-repository.ts'
import { createBbbClient } from './bbb/client.ts'
import { campaignMailer } from './campaign/campaign-mail.ts'
import { createCampaignRepository } from './campaign/campaign-repository.ts'
import { createCampaignService } from './campaign/campaign-service.ts'
import type { AppConfig } from './config.ts'
import type { Database, DatabaseHandle } from './db/database.ts'
import { createImportsRepository } from './jobs/imports-repository.ts'
import { importEnqueuer, type JobQueue } from './jobs/queue.ts'
import type { Logger } from './log.ts'
import { DEFAULT_NOTICE, type NoticeDeps } from './owners/moodle-notice.ts'
import { createOwnerService, type OwnerSources } from './owners/owner-service.ts'
import { createOwnersRepository } from './owners/owners-repository.ts'
import { createUsersRepository } from './owners/users-repository.ts'
import { createMyRecordingsRepository } from './recordings/my-recordings-repository.ts'
import { createRecordingsService } from './recordings/recordings-service.ts'
import { createRecordingsRepository } from './sync/recordings-repository.ts'
import { createSyncRunsRepository } from './sync/sync-runs-repository.ts'
import { createSyncService, type SyncService } from './sync/sync-service.ts'

/** Every repository on our database, built once: the SQL of each table lives in one of them. */
export function createRepositories(db: Database) {
  return {
    admin: createAdminRepository(db),
    campaigns: createCampaignRepository(db),
    imports: createImportsRepository(db),
    myRecordings: createMyRecordingsRepository(db),
    owners: createOwnersRepository(db),
    recordings: createRecordingsRepository(db),
    sessions: createSessionsRepository(db),
    syncRuns: createSyncRunsRepository(db),
    users: createUsersRepository(db),
  }
}
type Repositories = ReturnType<typeof createRepositories>

export interface ServiceOptions {
  log: Logger
  /** Signs tokens, sessions and unsubscribe links; JWT_SECRET or the one kept in DATA_DIR by default. */
  jwtSecret?: string
  /** The job queue, when this process has one: imports and the campaign's e-mails go through it. */
  pipeline?: { queue: Pick<JobQueue, 'enqueue' | 'sendCampaign' | 'sizes'> }
  /** Where owners come from. A process given them resolves owners at each sync and runs syncs and the Moodle notice from the console (serve, demo). */
  ownerSources?: OwnerSources
  /** A sync service made elsewhere (tests drive a fake BBB through their own). */
  sync?: SyncService
  /** The Moodle notice's settings when made elsewhere (tests). */
  notice?: NoticeDeps
}

/**
 * The composition root: builds every repository and service once, from the configuration and the
 * database. The web app, each CLI command, the workers and the demo take what they need from it.
 */
export function createServices(config: AppConfig, handle: Pick<DatabaseHandle, 'db' | 'kind'>, options: ServiceOptions) {
  const { db } = handle
  const repos = createRepositories(db)
  const { log, pipeline, ownerSources } = options
  // Resolved on first use: a worker never needs it, and should not write DATA_DIR/jwt-secret.
  let secret = options.jwtSecret
  const jwtSecret = () => (secret ??= resolveJwtSecret(config))
  // Gives a new import its job; should the queue fail, the workers' sweep does it later.
  const enqueue = pipeline && importEnqueuer(pipeline.queue, repos.imports)
  const owners = ownerSources && createOwnerService({ repo: repos.owners, users: repos.users, config: config.owners, sources: ownerSources, log: log.child({ part: 'owners' }) })
  const sync = options.sync ?? createSyncService({
    handle, dataDir: config.dataDir, recordings: repos.recordings, runs: repos.syncRuns, owners,
    clientFor: (source, cache) => createBbbClient({ source, connectTimeoutMs: config.connectTimeoutMs, readTimeoutMs: config.getRecordingsTimeoutMs, cache }),
  })
  const notice = options.notice ?? (ownerSources && Object.keys(config.owners.moodles).length ? noticeDeps(config, db, repos.owners, ownerSources) : undefined)
  const admin = createAdminService({
    repo: repos.admin, users: repos.users, imports: repos.imports, syncRuns: repos.syncRuns, sources: config.sources, timeZone: config.timeZone, enqueue,
    syncService: options.sync || ownerSources ? sync : undefined, notice,
  })
  const recordings = createRecordingsService({ recordings: repos.myRecordings, imports: repos.imports, onImportRequested: enqueue })
  const campaign = createCampaignService({
    db, repo: repos.campaigns, admin: repos.admin, imports: repos.imports, users: repos.users, mailer: campaignMailer(config.campaign.templatesDir),
    sources: config.sources,
    enqueue, jobs: pipeline?.queue, log: log.child({ part: 'campaign' }),
    settings: { ...config.campaign, smtpUrl: config.imports.smtpUrl, mailFrom: config.imports.mailFrom, publicUrl: config.publicUrl, timeZone: config.timeZone,
      secret: jwtSecret },
  })
  return {
    config, handle, db, log, jwtSecret, repos, enqueue, owners, sync, notice, admin, recordings, campaign,
    /** The import queue's jobs by state, for /metrics (when this process has the queue). */
    queueSizes: pipeline?.queue.sizes,
    close: () => campaign.close(),
  }
}
export type Services = ReturnType<typeof createServices>

/** What the Moodle notice needs: the Moodles, its text (MOODLE_NOTICE_FILE or ours) and the portal's address. */
function noticeDeps(config: AppConfig, db: Database, owners: Repositories['owners'], ownerSources: OwnerSources): NoticeDeps {
  const file = config.owners.noticeFile
  return {
    db, owners, moodleFor: ownerSources.moodleFor, portalUrl: config.publicUrl,
    // Read when a notice is written, not at start: workers never need the file, and may not have it.
    get template() {
      return file ? readFileSync(file, 'utf8') : DEFAULT_NOTICE
    },
  }
}
