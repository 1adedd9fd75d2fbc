// What a failed sync still records: the listing it made, the owners it wrote.
import t from 'tap'
import { createBbbClient } from '../../src/bbb/client.ts'
import { sourceSchema } from '../../src/config.ts'
import { FakeBbb } from '../../src/demo/fake-bbb.ts'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { createSyncService, type SyncDeps } from '../../src/sync/sync-service.ts'
import { freshDatabase } from '../helpers/database.ts'
import { secret } from '../helpers/sync.ts'
import { syncRepositories } from '../helpers/sync-repositories.ts'

type Tap = Parameters<typeof freshDatabase>[0] & { teardown(fn: () => unknown): void; testdir(): string }

async function harness(t: Tap, change: (deps: SyncDeps) => SyncDeps) {
  const handle = await freshDatabase(t)
  const fake = new FakeBbb({ secret, flavour: 'bbb-2.6', recordings: syntheticRecordings(20) })
  await fake.start()
  t.teardown(() => fake.stop())
  const source = sourceSchema.parse({ name: 'old', url: fake.url, secret })
  const deps: SyncDeps = {
    handle, ...syncRepositories(handle.db), dataDir: t.testdir(),
    owners: { resolveSource: async () => ({ tally: { resolved: 20 }, byRecordId: new Map() }) },
    clientFor: (s, cache) => createBbbClient({ source: s, connectTimeoutMs: 1500, readTimeoutMs: 1500, cache }),
  }
  return { handle, source, service: createSyncService(change(deps)) }
}

t.test('ANALYZE failing after the owners were written: the run failed, its owners tally kept', async (t) => {
  const { handle, source, service } = await harness(t, (deps) => ({ ...deps, recordings: { ...deps.recordings, analyze: () => Promise.reject(new Error('analyze refused')) } }))
  const summary = await service.syncSource(source)
  t.match(summary, { status: 'failed', error: 'analyze refused', listing: 'paged', owners: { resolved: 20 } })
  const row = await handle.db.selectFrom('sync_runs').selectAll().where('id', '=', summary.runId).executeTakeFirstOrThrow()
  t.match(row, { status: 'failed', listing: 'paged', owners: { resolved: 20 } }, 'the run row says so too')
})

t.test('storing failing after a whole listing: the run failed, the listing it made recorded', async (t) => {
  const { source, service } = await harness(t, (deps) => ({ ...deps, recordings: { ...deps.recordings, upsert: () => Promise.reject(new Error('disk full')) } }))
  const summary = await service.syncSource(source)
  t.match(summary, { status: 'failed', listing: 'paged' })
  t.match(summary.error, /disk full/)
})
