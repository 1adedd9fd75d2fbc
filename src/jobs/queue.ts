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
export async function openQueue(handle: DatabaseHandle, settings: QueueSettings, options: { supervise?: boolean } = {}) {
  const common = { schema: 'pgboss', supervise: options.supervise ?? true, maintenanceIntervalSeconds: 30, monitorStateIntervalSeconds: 30 }
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
  await boss.createQueue(IMPORT_QUEUE, {
    name: IMPORT_QUEUE, policy: 'stately', retryLimit: settings.retryLimit, retryDelay: settings.retryDelaySeconds, retryBackoff: true,
    expireInSeconds: settings.leaseSeconds,
  })
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
