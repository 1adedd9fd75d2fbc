import { createBbbClient } from '../../src/bbb/client.ts'
import { sourceSchema, type SourceConfig } from '../../src/config.ts'
import { FakeBbb, type FakeBbbOptions } from '../../src/demo/fake-bbb.ts'
import { createSyncService, type SyncDeps } from '../../src/sync/sync-service.ts'
import { freshDatabase } from './database.ts'

export const secret = 'fake-shared-secret-0123456789'

interface TapLike {
  teardown(fn: () => unknown): void
  testdir(): string
}

/** A fresh database, a fake BBB over HTTP and a sync service wired to them. */
export async function syncHarness(t: TapLike, fakeOptions: Partial<FakeBbbOptions> = {}, sourceOverrides: Partial<Record<keyof SourceConfig, unknown>> = {}, extra: Pick<SyncDeps, 'owners'> = {}) {
  const handle = await freshDatabase(t)
  const fake = new FakeBbb({ secret, ...fakeOptions })
  await fake.start()
  t.teardown(() => fake.stop())
  const dataDir = t.testdir()
  const source = sourceSchema.parse({ name: 'old', url: fake.url, secret, ...sourceOverrides })
  const readTimeoutMs = 1500
  const service = createSyncService({
    handle,
    dataDir,
    clientFor: (s, cache) => createBbbClient({ source: s, connectTimeoutMs: 1500, readTimeoutMs, cache }),
    ...extra,
  })
  const rows = () => handle.db.selectFrom('recordings').selectAll().orderBy('record_id').execute()
  return { handle, db: handle.db, fake, source, service, dataDir, rows }
}
