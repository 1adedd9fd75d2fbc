// The database going away under a sync: PostgreSQL restarted (every connection dropped, new ones
// refused for a while), seen through a relay the test cuts.
import t from 'tap'
import { createBbbClient } from '../../src/bbb/client.ts'
import { sourceSchema } from '../../src/config.ts'
import { openDatabase } from '../../src/db/database.ts'
import { FakeBbb } from '../../src/demo/fake-bbb.ts'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { createSyncService } from '../../src/sync/sync-service.ts'
import { freshDatabase } from '../helpers/database.ts'
import { relayTo } from '../helpers/net.ts'
import { secret } from '../helpers/sync.ts'
import { syncRepositories } from '../helpers/sync-repositories.ts'

t.test('PostgreSQL restarted during a sync: the run fails cleanly, nothing is marked missing, the next run is fine', async (t) => {
  const direct = await freshDatabase(t)
  const relay = await relayTo(t, direct.url)
  const handle = await openDatabase({ databaseUrl: relay.url, dataDir: t.testdir() })
  t.teardown(() => handle.close())
  const fake = new FakeBbb({ secret, flavour: 'bbb-2.6', recordings: syntheticRecordings(300) })
  await fake.start()
  t.teardown(() => fake.stop())
  const source = sourceSchema.parse({ name: 'old', url: fake.url, secret, pageSize: 50 })
  const service = createSyncService({
    handle,
    ...syncRepositories(handle.db), dataDir: t.testdir(), owners: { resolveSource: async () => ({ tally: {}, byRecordId: new Map() }) },
    clientFor: (s, cache) => createBbbClient({ source: s, connectTimeoutMs: 1500, readTimeoutMs: 1500, cache }),
  })
  t.equal((await service.syncSource(source)).status, 'succeeded')

  // 40 recordings gone from the server: a complete listing would mark them missing.
  fake.recordings = fake.recordings.slice(40)
  let pages = 0
  fake.beforeReply = () => {
    if (++pages !== 3) return
    relay.cut()
    setTimeout(() => relay.restore(), 1500)
  }
  // Whether the run's failure could still be written depends on when the server came back: either
  // way the sync ends with the database's reason (a run left "running" is closed by the next one).
  const during = await service.syncSource(source).then((s) => (s.status === 'failed' ? s.error : `status ${s.status}`), (e: Error) => e.message)
  t.match(during, /connection|terminated|ECONNRESET|ECONNREFUSED/i, `the run failed with the database's reason: ${during}`)
  const missing = () => direct.db.selectFrom('recordings').select('id').where('missing_since', 'is not', null).execute()
  t.same(await missing(), [], 'nothing marked missing')

  await new Promise((resolve) => setTimeout(resolve, 1600))
  fake.beforeReply = undefined
  const after = await service.syncSource(source)
  t.equal(after.status, 'succeeded', after.error ?? '')
  t.equal(after.counts.missing, 40, 'the next run sees what is really gone')
  t.equal((await missing()).length, 40)
  const runs = await direct.db.selectFrom('sync_runs').select(['status']).orderBy('id').execute()
  const statuses = runs.map((r) => r.status)
  t.notOk(statuses.includes('running'), `no run left running: ${statuses.join(', ')}`)
  t.not(statuses[1], 'succeeded', 'the cut run is not counted as a success')
})
