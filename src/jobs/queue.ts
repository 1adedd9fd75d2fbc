import PgBoss from 'pg-boss'
import type { DatabaseHandle } from '../db/database.ts'

export const IMPORT_QUEUE = 'import'

export interface QueueSettings {
  /** How long a worker may hold an import before it is given to another (its lease). */
  leaseSeconds: number
  retryLimit: number
  retryDelaySeconds: number
}

/**
 * pg-boss on our database: its own pool on PostgreSQL; on the embedded PGlite, its queries go
 * through the one in-process client (statements without parameters as a script).
 */
export async function openQueue(handle: DatabaseHandle, settings: QueueSettings, options: { supervise?: boolean; maintenanceIntervalSeconds?: number } = {}) {
  // Maintenance is what gives an expired lease's job to another worker.
  const common = { schema: 'pgboss', supervise: options.supervise ?? true, maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30, monitorStateIntervalSeconds: 30 }
  const boss = handle.pglite
    ? new PgBoss({
        ...common,
        db: {
          executeSql: async (text: string, values: unknown[]) => {
            if (values?.length) return handle.pglite!.query(text, values)
            const results = await handle.pglite!.exec(text)
            return { rows: results.at(-1)?.rows ?? [] }
          },
        },
      })
    : new PgBoss({ ...common, connectionString: handle.databaseUrl!, max: 4 })
  boss.on('error', (error) => console.warn(`job queue: ${error.message}`))
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
  return {
    boss,
    /** Queues the import's job (nothing when one already waits). */
    async enqueue(importId: number) {
      return boss.send(IMPORT_QUEUE, { importId }, { singletonKey: `import-${importId}` })
    },
    async depth() {
      return boss.getQueueSize(IMPORT_QUEUE)
    },
    stop: () => boss.stop({ graceful: true, timeout: 10_000, wait: true }),
  }
}
export type JobQueue = Awaited<ReturnType<typeof openQueue>>
