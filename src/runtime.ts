import type { AppConfig } from './config.ts'
import { openDatabase, type DatabaseHandle } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { openImportPipeline, type ImportPipeline } from './jobs/pipeline.ts'
import type { Logger } from './log.ts'
import type { MoodleDb } from './moodle/moodle-db.ts'
import { openOwnerSources } from './owners/owner-sources.ts'
import { createServices, type Services } from './services.ts'

export interface Runtime {
  config: AppConfig
  handle: DatabaseHandle
  services: Services
  /** The job queue and the import workers, when asked for. */
  pipeline?: ImportPipeline
  close(): Promise<void>
}

export interface RuntimeOptions {
  log: Logger
  /** Opens the job queue (serve, worker, demo, `sync --convert-all`). */
  pipeline?: boolean
  /** Moodles already open, by server name, from the opened database (the demo's sample one). */
  moodles?: (handle: DatabaseHandle) => Promise<Record<string, MoodleDb>>
}

/** What a process runs on: the database (migrated to the latest schema), the owners' sources, the job queue, the services. */
export async function openRuntime(config: AppConfig, options: RuntimeOptions): Promise<Runtime> {
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  try {
    await migrateToLatest(handle.db)
  } catch (error) {
    await handle.close()
    throw error
  }
  const ownerSources = openOwnerSources(config.owners, config.imports.pod, await options.moodles?.(handle))
  const pipeline = options.pipeline ? await openImportPipeline(config, handle, options.log.child({ part: 'imports' })) : undefined
  const services = createServices(config, handle, { log: options.log, pipeline, ownerSources })
  return {
    config, handle, services, pipeline,
    close: async () => {
      await pipeline?.close()
      services.close()
      await ownerSources.close()
      await handle.close()
    },
  }
}
