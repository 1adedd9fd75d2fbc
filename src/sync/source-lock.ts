import { sql } from 'kysely'
import type { DatabaseHandle } from '../db/database.ts'

export class SyncAlreadyRunningError extends Error {
  constructor(source: string) {
    super(`a sync of source "${source}" is already running`)
    this.name = 'SyncAlreadyRunningError'
  }
}

// The embedded database has one process and one connection: an in-process set is the lock.
const localLocks = new Set<string>()

/**
 * Runs `fn` while holding the source's sync lock. On PostgreSQL it is a session advisory lock
 * held by one reserved connection, so two syncs of a source never overlap, even from two
 * hosts; the work itself runs on the other pooled connections.
 */
export async function withSourceLock<T>(handle: Pick<DatabaseHandle, 'db' | 'kind'>, source: string, fn: () => Promise<T>): Promise<T> {
  if (handle.kind === 'pglite') {
    if (localLocks.has(source)) throw new SyncAlreadyRunningError(source)
    localLocks.add(source)
    try {
      return await fn()
    } finally {
      localLocks.delete(source)
    }
  }
  return handle.db.connection().execute(async (conn) => {
    const key = sql`hashtextextended(${`bbb-portal:sync:${source}`}, 0)`
    const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_lock(${key}) AS locked`.execute(conn)
    if (!rows[0]?.locked) throw new SyncAlreadyRunningError(source)
    try {
      return await fn()
    } finally {
      // A connection lost meanwhile (PostgreSQL restarted) took its lock with it: the run's own
      // outcome is what matters then, not this unlock's failure.
      await sql`SELECT pg_advisory_unlock(${key})`.execute(conn).catch(() => {})
    }
  })
}
