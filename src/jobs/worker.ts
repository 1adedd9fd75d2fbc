import type { ImportsRepository } from './imports-repository.ts'
import type { ImportRunner } from './import-runner.ts'
import { IMPORT_QUEUE, importEnqueuer, importsWithoutJob, type JobQueue } from './queue.ts'
import type { Logger } from '../log.ts'

export interface WorkerOptions {
  queue: JobQueue
  imports: ImportsRepository
  runImport: ImportRunner
  concurrency: number
  retryLimit: number
  log: Logger
  pollingIntervalSeconds?: number
}

/**
 * Workers on the queue: any number of processes on any number of hosts take import jobs. A job
 * carries only the import's id; its state, attempts' reasons and lease live on the import row.
 */
export async function startWorkers(o: WorkerOptions) {
  const ids: string[] = []
  const enqueue = importEnqueuer(o.queue, o.imports)
  for (let i = 0; i < o.concurrency; i++) {
    ids.push(await o.queue.boss.work<{ importId: number }>(IMPORT_QUEUE, { batchSize: 1, includeMetadata: true,
      pollingIntervalSeconds: o.pollingIntervalSeconds ?? 2 }, async ([job]) => {
      if (!job) return
      try {
        const outcome = await o.runImport(job.data.importId, { last: job.retryCount >= o.retryLimit })
        o.log.info(`import ${job.data.importId}: ${outcome}`)
        if (outcome === 'handed back') await enqueue(job.data.importId)
      } catch (error) {
        o.log.warn(`import ${job.data.importId}: ${(error as Error).message}; retried later`)
        throw error
      }
    }))
  }
  // Imports asked for while the queue could not be reached, and those of dead workers.
  const sweep = async () => {
    for (const id of await importsWithoutJob(o.queue, o.imports, new Date(Date.now() - 60_000))) await enqueue(id)
  }
  const sweeper = setInterval(() => void sweep().catch((e) => o.log.warn(`sweep: ${(e as Error).message}`)), 30_000)
  sweeper.unref()
  await sweep()
  return {
    async stop() {
      clearInterval(sweeper)
      for (const id of ids) await o.queue.boss.offWork({ id })
    },
  }
}
