import type { AppConfig } from '../config.ts'
import type { DatabaseHandle } from '../db/database.ts'
import { createPodClient } from '../pod/pod-client.ts'
import { publishTargetFor } from '../publish/targets.ts'
import { createImportMailer } from './import-mail.ts'
import { createImportRunner } from './import-runner.ts'
import type { ImportsRepository } from './imports-repository.ts'
import type { Logger } from '../log.ts'
import { openQueue } from './queue.ts'
import { startWorkers } from './worker.ts'

/** The job queue of imports on our database, and workers when this process runs some. */
export async function openImportPipeline(config: AppConfig, handle: DatabaseHandle, log: Logger,
  options: { podPollMs?: number; cancelCheckMs?: number; tmpDir?: string; maintenanceIntervalSeconds?: number; campaignRetryDelaySeconds?: number } = {}) {
  const queue = await openQueue(handle, config.imports, log, { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds,
    campaignRetryDelaySeconds: options.campaignRetryDelaySeconds })
  let workers: Awaited<ReturnType<typeof startWorkers>> | undefined
  const stopping = new AbortController()
  const pod = config.imports.pod ? createPodClient(config.imports.pod, { connectTimeoutMs: config.connectTimeoutMs }) : undefined
  const mailer = config.imports.smtpUrl ? createImportMailer(config.imports.smtpUrl, config.imports.mailFrom, config.publicUrl, { draft: config.imports.target === 'pod' && Boolean(config.imports.pod?.draft) }) : undefined
  return {
    queue,
    /** Runs `concurrency` imports at a time in this process, on the imports of `imports`. */
    async startWorkers(imports: ImportsRepository, concurrency = config.imports.concurrency) {
      const runImport = createImportRunner({
        imports, sources: config.sources, target: publishTargetFor(config, pod, options), connectTimeoutMs: config.connectTimeoutMs,
        maxImportBytes: config.imports.maxImportBytes, chat: config.imports.chat, leaseSeconds: config.imports.leaseSeconds,
        cancelCheckMs: options.cancelCheckMs, tmpDir: options.tmpDir, log,
        notify: mailer?.send, stopping: stopping.signal,
      })
      workers = await startWorkers({ queue, imports, runImport, concurrency, retryLimit: config.imports.retryLimit, log })
    },
    async close() {
      // Runs under way hand their imports back (ffmpeg killed, temporary files removed) while
      // the queue still takes their new jobs.
      stopping.abort()
      await workers?.stop()
      await queue.stop()
      mailer?.close()
      await pod?.close()
    },
  }
}
export type ImportPipeline = Awaited<ReturnType<typeof openImportPipeline>>
