import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createBbbClient } from '../../src/bbb/client.ts'
import { sourceSchema } from '../../src/config.ts'
import type { FakeRecording } from '../../src/demo/fake-bbb-xml.ts'
import { FakeBbb } from '../../src/demo/fake-bbb.ts'
import { generateSampleRecordings } from '../../src/demo/sample-recordings.ts'
import { createSyncService } from '../../src/sync/sync-service.ts'
import { freshDatabase } from './database.ts'
import { syncRepositories } from './sync-repositories.ts'
import { silentLogger } from '../../src/log.ts'

interface TapLike {
  teardown(fn: () => unknown): void
}

// The demo's three generated recordings (slides, ink, audio), made once per test process.
let samples: Promise<{ dir: string; make(url: string): Promise<FakeRecording[]> }> | undefined
function sampleRecordings() {
  samples ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bbbp-samples-'))
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
    return { dir, make: (url: string) => generateSampleRecordings(dir, url, silentLogger) }
  })()
  return samples
}

/**
 * A fresh database synced from a fake BBB (source `demo`) that serves the demo's real published
 * files, and the sync service on them (no owner resolution: tests assign owners themselves).
 */
export async function sampleSource(t: TapLike, options: { shutdownInDays?: number } = {}) {
  const handle = await freshDatabase(t)
  const { dir, make } = await sampleRecordings()
  const secret = 'sample-source-secret'
  const fake = new FakeBbb({ secret, flavour: 'bbb-2.6', publishedDir: dir })
  const bbbUrl = await fake.start()
  t.teardown(() => fake.stop())
  fake.recordings = await make(bbbUrl)
  const shutdownAt = options.shutdownInDays === undefined ? undefined : new Date(Date.now() + options.shutdownInDays * 86_400_000)
  const source = sourceSchema.parse({ name: 'demo', url: bbbUrl, secret, shutdownAt })
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bbbp-sync-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const syncService = createSyncService({
    handle,
    ...syncRepositories(handle.db), dataDir, owners: { resolveSource: async () => ({ tally: {}, byRecordId: new Map() }) },
    clientFor: (s, cache) => createBbbClient({ source: s, connectTimeoutMs: 2000, readTimeoutMs: 5000, cache }),
  })
  await syncService.syncSource(source)
  /** The settings that configure this source in the app. */
  const env: Record<string, string> = { BBB_URL: bbbUrl, BBB_SECRET: secret, BBB_SOURCE_NAME: 'demo', ...(shutdownAt ? { BBB_SHUTDOWN_AT: shutdownAt.toISOString() } : {}) }
  return { handle, db: handle.db, fake, bbbUrl, source, syncService, env, publishedDir: dir }
}
