import type { Database } from '../../src/db/database.ts'
import { createRepositories } from '../../src/services.ts'

/** The repositories a sync service writes to, for tests that build one around a fake BBB. */
export function syncRepositories(db: Database) {
  const repos = createRepositories(db)
  return { recordings: repos.recordings, runs: repos.syncRuns }
}
