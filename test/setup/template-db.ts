// tap's `before` script: migrates a template database once; each test file clones it.
import { openDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { adminQuery, adminUrl, templateName, urlFor } from '../helpers/database.ts'

try {
  await adminQuery(`DROP DATABASE IF EXISTS ${templateName} WITH (FORCE)`)
} catch (error) {
  const where = new URL(adminUrl)
  console.error(`The tests need PostgreSQL at ${where.host} (TEST_DATABASE_URL): ${(error as Error).message}`)
  process.exit(1)
}
await adminQuery(`CREATE DATABASE ${templateName}`)
const handle = await openDatabase({ databaseUrl: urlFor(templateName), dataDir: '/nonexistent', poolSize: 1 })
await migrateToLatest(handle.db)
await handle.close()
