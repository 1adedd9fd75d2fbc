import PgBoss from 'pg-boss'
import type { DatabaseHandle } from '../db/database.ts'
import { queueDatabase } from './queue-db.ts'
import type { Logger } from '../log.ts'
import type { ImportsRepository } from './imports-repository.ts'

export const IMPORT_QUEUE = 'import'
/** One job per source sends its campaign's queued e-mails; its retries wait for a mail server that was away. */
const CAMPAIGN_QUEUE = 'campaign'

export interface QueueSettings {
  /** How long a worker may hold an import before it is given to another (its lease). */
  leaseSeconds: number
  retryLimit: number
  retryDelaySeconds: number
}

/** pg-boss on our database (its own pool on PostgreSQL, the one client of the embedded PGlite). */
export async function openQueue(handle: DatabaseHandle, settings: QueueSettings, log: Logger,
  options: { supervise?: boolean; maintenanceIntervalSeconds?: number; campaignRetryDelaySeconds?: number } = {}) {
  // Maintenance is what gives an expired lease's job to another worker.
  const common = { schema: 'pgboss', supervise: options.supervise ?? true, maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30, monitorStateIntervalSeconds: 30 }
  const db = queueDatabase(handle, common.schema, { log })
  const boss = new PgBoss({ ...common, db })
  boss.on('error', (error) => log.warn(`job queue: ${error.message}`))
  await boss.start()
  // `stately`: for one import, at most one job waiting and one running, whatever the clicks.
  // The run's own lease (on the import row) decides who works on an import; the job's expiry
  // only frees the queue's slot once a worker died, so it is set past that lease.
  const queueOptions = {
    name: IMPORT_QUEUE, policy: 'stately' as const, retryLimit: settings.retryLimit, retryDelay: settings.retryDelaySeconds, retryBackoff: true,
    expireInSeconds: Math.max(2 * settings.leaseSeconds, 4),
  }
  if (await boss.getQueue(IMPORT_QUEUE)) await boss.updateQueue(IMPORT_QUEUE, queueOptions)
  else await boss.createQueue(IMPORT_QUEUE, queueOptions)
  const campaignOptions = { name: CAMPAIGN_QUEUE, policy: 'stately' as const, retryLimit: 20, retryDelay: options.campaignRetryDelaySeconds ?? 60, retryBackoff: true, expireInSeconds: 3600 }
  if (await boss.getQueue(CAMPAIGN_QUEUE)) await boss.updateQueue(CAMPAIGN_QUEUE, campaignOptions)
  else await boss.createQueue(CAMPAIGN_QUEUE, campaignOptions)
  return {
    boss,
    /** Queues the import's job; null when one already waits. */
    async enqueue(importId: number) {
      return boss.send(IMPORT_QUEUE, { importId }, { singletonKey: `import-${importId}` })
    },
    /** Whether the import job `jobId` still waits, waits for a retry or runs. */
    async jobPending(jobId: string) {
      const job = await boss.getJobById(IMPORT_QUEUE, jobId)
      return job !== null && pendingJobStates.has(job.state)
    },
    async depth() {
      return boss.getQueueSize(IMPORT_QUEUE)
    },
    /** The import queue's jobs by state, as pg-boss counts them. */
    async sizes() {
      const [created, upToRetry, upToActive] = await Promise.all([
        boss.getQueueSize(IMPORT_QUEUE, { before: 'retry' }), boss.getQueueSize(IMPORT_QUEUE, { before: 'active' }), boss.getQueueSize(IMPORT_QUEUE, { before: 'completed' }),
      ])
      // Three counts, not one snapshot: a job moving between them must not show as a negative count.
      return { created, retry: Math.max(0, upToRetry - created), active: Math.max(0, upToActive - upToRetry) }
    },
    /** Asks for the source's campaign e-mails to be sent (nothing more when a job already waits). */
    async sendCampaign(source: string) {
      return boss.send(CAMPAIGN_QUEUE, { source }, { singletonKey: `campaign-${source}` })
    },
    /** This process sends campaign e-mails: a failed job (the mail server away) is retried later. */
    async workCampaigns(send: (source: string) => Promise<void>) {
      return boss.work<{ source: string }>(CAMPAIGN_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
        if (job) await send(job.data.source)
      })
    },
    async stop() {
      await boss.stop({ graceful: true, timeout: 10_000, wait: true })
      await db.close()
    },
  }
}
export type JobQueue = Awaited<ReturnType<typeof openQueue>>

const pendingJobStates = new Set<string>(['created', 'retry', 'active'])

/** Queues an import's job and keeps the job's id on the import row, where the workers' sweep looks for it. */
export function importEnqueuer(queue: Pick<JobQueue, 'enqueue'>, imports: Pick<ImportsRepository, 'recordJob'>) {
  return async (importId: number) => {
    const jobId = await queue.enqueue(importId)
    if (jobId) await imports.recordJob(importId, jobId)
  }
}

/**
 * The imports that need a job: asked for while the queue was unreachable, or whose worker died,
 * and whose last job no longer waits nor runs. Every candidate is looked at, page by page: a
 * long queue of imports whose jobs wait must not hide one whose job is gone.
 */
export async function importsWithoutJob(queue: Pick<JobQueue, 'jobPending'>, imports: Pick<ImportsRepository, 'orphanCandidates'>, queuedBefore: Date,
  pageSize = 500) {
  const without: number[] = []
  for (let afterId = 0; ;) {
    const page = await imports.orphanCandidates(queuedBefore, afterId, pageSize)
    for (const row of page) {
      if (!row.job_id || !(await queue.jobPending(row.job_id))) without.push(row.id)
    }
    if (page.length < pageSize) return without
    afterId = page.at(-1)!.id
  }
}
