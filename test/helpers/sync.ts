import { createBbbClient } from '../../src/bbb/client.ts'
import { sourceSchema, type AppConfig, type SourceConfig } from '../../src/config.ts'
import { FakeBbb, type FakeBbbOptions } from '../../src/demo/fake-bbb.ts'
import { createOwnerService, type OwnerService, type OwnerSources } from '../../src/owners/owner-service.ts'
import { createSyncService } from '../../src/sync/sync-service.ts'
import { freshDatabase } from './database.ts'
import { syncRepositories } from './sync-repositories.ts'
import { createRepositories } from '../../src/services.ts'
import { silentLogger } from '../../src/log.ts'

export const secret = 'fake-shared-secret-0123456789'

interface TapLike {
  teardown(fn: () => unknown): void
  testdir(): string
}

/** A fresh database, a fake BBB over HTTP and a sync service wired to them. */
export async function syncHarness(t: TapLike, fakeOptions: Partial<FakeBbbOptions> = {}, sourceOverrides: Partial<Record<keyof SourceConfig, unknown>> = {}) {
  const handle = await freshDatabase(t)
  const fake = new FakeBbb({ secret, ...fakeOptions })
  await fake.start()
  t.teardown(() => fake.stop())
  const dataDir = t.testdir()
  const source = sourceSchema.parse({ name: 'old', url: fake.url, secret, ...sourceOverrides })
  const readTimeoutMs = 1500
  let owners: OwnerService | undefined
  const service = createSyncService({
    handle,
    ...syncRepositories(handle.db),
    dataDir,
    clientFor: (s, cache) => createBbbClient({ source: s, connectTimeoutMs: 1500, readTimeoutMs, cache }),
    owners: { resolveSource: (...args) => (owners ? owners.resolveSource(...args) : Promise.resolve({ tally: {}, byRecordId: new Map() })) },
  })
  const rows = () => handle.db.selectFrom('recordings').selectAll().orderBy('record_id').execute()
  /** From now on, syncs resolve owners from these sources (swap them to simulate an outage). */
  const useOwners = (config: AppConfig['owners'], sources: OwnerSources) => {
    const repos = createRepositories(handle.db)
    owners = createOwnerService({ repo: repos.owners, users: repos.users, config, sources, log: silentLogger })
  }
  return { handle, db: handle.db, fake, source, service, dataDir, rows, useOwners }
}
