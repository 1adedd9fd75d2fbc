import type { ImportsRepository } from './imports-repository.ts'
import type { ImportRunner } from './import-runner.ts'
import { IMPORT_QUEUE, type JobQueue } from './queue.ts'
import { PermanentImportError } from '../publish/errors.ts'

export interface WorkerOptions {
  queue: JobQueue
  imports: ImportsRepository
  runImport: ImportRunner
  concurrency: number
  retryLimit: number
  log: { info(msg: string): void; warn(msg: string): void }
  pollingIntervalSeconds?: number
}

/**
 * Workers on the queue: any number of processes on any number of hosts take import jobs.
 * What an import is at (queued, converting…, failed with why) is written on its row; the job
 * only carries its id, its attempts and its lease.
 */
export async function startWorkers(o: WorkerOptions) {
  const handle = async (importId: number, retryCount: number) => {
    try {
      const outcome = await o.runImport(importId)
      o.log.info(`import ${importId}: ${outcome}`)
    } catch (error) {
      const reason = (error as Error).message
      if (error instanceof PermanentImportError || retryCount >= o.retryLimit) {
        await o.imports.finish(importId, { state: 'failed', error: reason })
        o.log.warn(`import ${importId} failed: ${reason}`)
        return
      }
      // Back in line for a retry, the reason kept for the teacher to see meanwhile.
      await o.imports.advance(importId, { state: 'queued', progress: null, error: reason })
      o.log.warn(`import ${importId}: ${reason}; retried later`)
      throw error
    }
  }
  const ids: string[] = []
  for (let i = 0; i < o.concurrency; i++) {
    ids.push(await o.queue.boss.work<{ importId: number }>(IMPORT_QUEUE, { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: o.pollingIntervalSeconds ?? 2 }, async ([job]) => {
      if (job) await handle(job.data.importId, job.retryCount)
    }))
  }
  // Imports asked for while the queue could not be reached get their job here.
  const sweep = async () => {
    for (const id of await o.imports.queuedBefore(new Date(Date.now() - 60_000))) await o.queue.enqueue(id)
  }
  const sweeper = setInterval(() => void sweep().catch((e) => o.log.warn(`sweep: ${(e as Error).message}`)), 60_000)
  sweeper.unref()
  await sweep()
  return {
    async stop() {
      clearInterval(sweeper)
      for (const id of ids) await o.queue.boss.offWork({ id })
    },
  }
}
