import { createBbbClient } from './bbb/client.ts'
import type { AppConfig } from './config.ts'
import { openDatabase, type DatabaseHandle } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import type { MoodleDb } from './moodle/moodle-db.ts'
import { createOwnersRepository } from './owners/owners-repository.ts'
import { createOwnerService, type OwnerSources } from './owners/owner-service.ts'
import { openOwnerSources } from './owners/owner-sources.ts'
import { createSyncService, type SyncService } from './sync/sync-service.ts'

export interface Runtime {
  config: AppConfig
  handle: DatabaseHandle
  syncService: SyncService
  ownerSources: OwnerSources
  close(): Promise<void>
}

/**
 * Opens the database (migrated to the latest schema) and builds the services on it. `moodles`
 * gives Moodles already open, by server name, from the opened database (the demo's sample one).
 */
export async function openRuntime(config: AppConfig, options: { moodles?: (handle: DatabaseHandle) => Promise<Record<string, MoodleDb>> } = {}): Promise<Runtime> {
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrateToLatest(handle.db)
  } catch (error) {
    await handle.close()
    throw error
  }
  const ownerSources = openOwnerSources(config.owners, config.imports.pod, await options.moodles?.(handle))
  const owners = createOwnerService({ repo: createOwnersRepository(handle.db), config: config.owners, sources: ownerSources, log: (m) => console.warn(m) })
  const syncService = createSyncService({
    handle,
    dataDir: config.dataDir,
    clientFor: (source, cache) =>
      createBbbClient({ source, connectTimeoutMs: config.connectTimeoutMs, readTimeoutMs: config.getRecordingsTimeoutMs, cache }),
    owners,
  })
  return {
    config, handle, syncService, ownerSources,
    close: async () => {
      await ownerSources.close()
      await handle.close()
    },
  }
}
