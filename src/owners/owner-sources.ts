import type { AppConfig } from '../config.ts'
import { greenlightResolver } from '../greenlight/greenlight-resolver.ts'
import { openMoodleDb, type MoodleDb } from '../moodle/moodle-db.ts'
import { moodleRepository } from '../moodle/moodle-repository.ts'
import { createPodClient } from '../pod/pod-client.ts'
import { podOwnerResolver } from '../pod/pod-owner-resolver.ts'
import { readOwnerMapping } from './mapping-file.ts'
import type { OwnerSources } from './owner-service.ts'

/**
 * The databases and files owners come from, opened on first use and closed with the runtime.
 * A recording's Moodle is chosen by its `bbb-origin-server-name`, else `default` (Pod's DB_PARAMS).
 */
export function openOwnerSources(config: AppConfig['owners'], podSettings?: AppConfig['imports']['pod'], given: Record<string, MoodleDb> = {}): OwnerSources & { close(): Promise<void> } {
  // `given`: Moodles already open, by server name (the demo's sample Moodle).
  const opened = new Map<string, MoodleDb>(Object.entries(given))
  const podClient = podSettings ? createPodClient(podSettings) : undefined
  const greenlight = config.greenlightUrl ? greenlightResolver(config.greenlightUrl) : undefined
  const mapping = config.mappingFile ? readOwnerMapping(config.mappingFile) : undefined
  return {
    moodleFor(serverName) {
      const name = serverName && (config.moodles[serverName] || opened.has(serverName)) ? serverName : 'default'
      let moodle = opened.get(name)
      if (!moodle) {
        const settings = config.moodles[name]
        if (!settings) return undefined
        opened.set(name, (moodle = openMoodleDb(settings)))
      }
      return { name, repo: moodleRepository(moodle) }
    },
    greenlight,
    pod: podClient && podOwnerResolver(podClient, podSettings!.siteId),
    mapping,
    async close() {
      await Promise.all([...[...opened.values()].map((m) => m.close()), greenlight?.close(), podClient?.close()])
    },
  }
}
