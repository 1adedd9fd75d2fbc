import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { claimEmbeddedDatabase } from './embedded-owner.ts'
import type { DB } from './schema.ts'

export type Database = Kysely<DB>

export interface DatabaseHandle {
  db: Database
  /** `postgres` for a real server, `pglite` for the embedded one (single connection). */
  kind: 'postgres' | 'pglite'
  /** The embedded server's client (the job queue talks to it directly). */
  pglite?: { query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>; exec(text: string): Promise<Array<{ rows: unknown[] }>> }
  databaseUrl?: string
  close(): Promise<void>
}

/**
 * A real PostgreSQL when DATABASE_URL is set; otherwise the embedded PGlite under
 * DATA_DIR/pglite, so that a bare machine runs the service with nothing installed.
 */
export async function openDatabase(options: { databaseUrl?: string; dataDir: string; poolSize?: number }): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 })
    // A restart of PostgreSQL drops every connection. Unheard, that 'error' event would end the
    // process; heard, the query that needs the connection fails and says why, and the pool opens
    // new ones once the server is back. Checked-out connections (a sync's lock) need it as well.
    const lost = () => {}
    pool.on('error', lost)
    pool.on('connect', (client) => client.on('error', lost))
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
    return { db, kind: 'postgres', databaseUrl: options.databaseUrl, close: () => db.destroy() }
  }
  // Loaded lazily: the WASM build is large and only the embedded mode needs it.
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ])
  const dir = path.join(options.dataDir, 'pglite')
  mkdirSync(dir, { recursive: true })
  const release = claimEmbeddedDatabase(dir)
  try {
    const client = await PGlite.create(dir)
    const db = new Kysely<DB>({ dialect: new PGliteDialect(client) })
    const close = async () => {
      try {
        await db.destroy()
      } finally {
        release()
      }
    }
    return { db, kind: 'pglite', pglite: client, close }
  } catch (error) {
    release()
    throw error
  }
}
