import type { SourceConfig } from '../config.ts'
import { SyncAlreadyRunningError } from './source-lock.ts'
import type { SyncService } from './sync-service.ts'
import type { Logger } from '../log.ts'

/**
 * Runs the sync of every source every `intervalSeconds` (SYNC_INTERVAL), first after a random
 * part of the interval so that several hosts do not start together. A source whose sync is
 * still running elsewhere is skipped (the advisory lock says so).
 */
export function startSyncSchedule(options: { intervalSeconds: number; sources: SourceConfig[]; syncService: SyncService; log: Logger }) {
  let timer: NodeJS.Timeout | undefined
  let running = false
  let stopped = false

  async function tick() {
    if (running || stopped) return
    running = true
    for (const source of options.sources) {
      try {
        const summary = await options.syncService.syncSource(source)
        options.log.info({ source: source.name, status: summary.status, counts: summary.counts, error: summary.error }, 'scheduled sync done')
      } catch (error) {
        if (error instanceof SyncAlreadyRunningError) options.log.info({ source: source.name }, error.message)
        else options.log.error({ err: error, source: source.name }, 'scheduled sync failed')
      }
    }
    running = false
    if (!stopped) timer = setTimeout(tick, options.intervalSeconds * 1000)
  }

  timer = setTimeout(tick, Math.random() * Math.min(options.intervalSeconds, 300) * 1000)
  return {
    stop() {
      stopped = true
      clearTimeout(timer)
    },
  }
}
