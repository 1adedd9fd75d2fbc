import { createRequire } from 'node:module'
import pg from 'pg'
import type { DatabaseHandle } from '../db/database.ts'
import type { Logger } from '../log.ts'

type Result = { rows: unknown[] }
const require = createRequire(import.meta.url)
// pg-boss's own SQL, to know its two "a job has ended" commands by their text.
const plans = require('pg-boss/src/plans.js') as { completeJobs(schema: string): string; failJobsById(schema: string): string }
// A pg-boss whose internals moved would lose this protection without a word: say it at once.
if (typeof plans.completeJobs !== 'function' || typeof plans.failJobsById !== 'function') throw new Error("pg-boss's plans.js no longer has completeJobs and failJobsById: see src/jobs/queue-db.ts")

/**
 * The database as pg-boss sees it (its `db` option), on our PostgreSQL pool or on the embedded
 * PGlite. pg-boss records a job's end (complete, or fail for a retry) without awaiting it: while
 * PostgreSQL restarts, that command's failure would be an unhandled rejection, which ends a Node
 * process. Those two commands are tried again for a while instead; if the database stays away,
 * the job is left active, expires, and is retried as a dead worker's would be.
 */
export function queueDatabase(handle: DatabaseHandle, schema: string, options: { log: Logger; retries?: number; retryDelayMs?: number }) {
  const ending = new Set([plans.completeJobs(schema), plans.failJobsById(schema)])
  let pool: pg.Pool | undefined
  const run: (text: string, values: unknown[]) => Promise<Result> = handle.pglite
    ? async (text, values) => {
      if (values?.length) return handle.pglite!.query(text, values)
      const results = await handle.pglite!.exec(text)
      return { rows: results.at(-1)?.rows ?? [] }
    }
    : (text, values) => {
        if (!pool) {
          pool = new pg.Pool({ connectionString: handle.databaseUrl!, max: 4 })
          // A lost connection fails the query that needs it; unheard, it would end the process.
          pool.on('error', () => {})
        }
        return pool.query(text, values)
      }
  const retries = options.retries ?? 30
  return {
    async executeSql(text: string, values: unknown[]): Promise<Result> {
      for (let attempt = 0; ; attempt++) {
        try {
          return await run(text, values)
        } catch (error) {
          if (!ending.has(text)) throw error
          if (attempt >= retries) {
            options.log.warn(`job queue: a job's end could not be recorded (${(error as Error).message}); it will expire and be retried`)
            return { rows: [{ count: '0' }] }
          }
          await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 1000))
        }
      }
    },
    close: async () => {
      await pool?.end()
    },
  }
}
