// tap's `before` script: migrates a template database once; each test file clones it.
import { openDatabase } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { adminQuery, templateName, urlFor } from '../helpers/database.ts'

await adminQuery(`DROP DATABASE IF EXISTS ${templateName} WITH (FORCE)`)
await adminQuery(`CREATE DATABASE ${templateName}`)
const handle = await openDatabase({ databaseUrl: urlFor(templateName), dataDir: '/nonexistent', poolSize: 1 })
await migrateToLatest(handle.db)
await handle.close()
