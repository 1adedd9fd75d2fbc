import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts'

/** The machine's PostgreSQL; CI and developers' machines have it on 127.0.0.1 with trust auth. */
export const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const templateName = 'bbb_portal_test_template'

export const urlFor = (database: string) => {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
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
    await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  })
  return { ...handle, url }
}
