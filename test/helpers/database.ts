import { createHash, randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts'

/** The machine's PostgreSQL; CI and developers' machines have it on 127.0.0.1 with trust auth. */
export const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/**
 * One template per checkout: two checkouts testing against one PostgreSQL never drop each
 * other's template (tap's `before` makes it, its `after` drops it).
 */
const checkout = fileURLToPath(new URL('../..', import.meta.url))
export const templateName = `bbb_portal_test_template_${createHash('sha256').update(checkout).digest('hex').slice(0, 12)}`

export const urlFor = (database: string) => {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

export async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await client.query(sql, params)
  } finally {
    await client.end()
  }
}

/**
 * pg-pool's end() resolves before its sockets are closed: wait until the database has no
 * session left, so that the forced drop never kills a connection that is still closing.
 */
export async function dropWhenIdle(name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await adminQuery('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])
    if (rows[0].n === 0) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
}

interface Teardown {
  teardown(fn: () => unknown): void
}

/** A fresh database cloned from the migrated template (milliseconds), dropped after the test. */
export async function freshDatabase(t: Teardown): Promise<DatabaseHandle & { url: string }> {
  const name = `bbb_portal_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${templateName}`)
  const url = urlFor(name)
  const handle = await openDatabase({ databaseUrl: url, dataDir: '/nonexistent' })
  t.teardown(async () => {
    await handle.close()
    await dropWhenIdle(name)
  })
  return { ...handle, url }
}
