import t from 'tap'
import { queueDatabase } from '../../src/jobs/queue-db.ts'
import { openQueue } from '../../src/jobs/queue.ts'
import { silentLogger } from '../../src/log.ts'
import { openDatabase } from '../../src/db/database.ts'
import { freshDatabase } from '../helpers/database.ts'
import { relayTo } from '../helpers/net.ts'
import { until } from '../helpers/wait.ts'

// pg-boss records a job's end without awaiting it: with PostgreSQL away at that moment, its
// failure was an unhandled rejection, which ends a worker process.
t.test("a job's end is recorded once PostgreSQL is back, never an unhandled rejection", async (t) => {
  const { url } = await freshDatabase(t)
  const relay = await relayTo(t, url)
  const handle = await openDatabase({ databaseUrl: relay.url, dataDir: '/nonexistent' })
  t.teardown(() => handle.close())
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => void process.off('unhandledRejection', onUnhandled))

  const queue = await openQueue(handle, { leaseSeconds: 30, retryLimit: 2, retryDelaySeconds: 1 }, silentLogger, { maintenanceIntervalSeconds: 1 })
  t.teardown(() => queue.stop())
  const ran: number[] = []
  await queue.boss.work<{ importId: number }>('import', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
    ran.push(job!.data.importId)
    // The database goes away as the job ends, and is back a moment later.
    relay.cut()
    setTimeout(() => relay.restore(), 1500)
  })
  const jobId = await queue.enqueue(42)
  await until(async () => ran.length > 0, 'the job ran', 20_000)
  const state = async () => (await queue.boss.getJobById('import', jobId!).catch(() => undefined))?.state
  await until(async () => (await state()) === 'completed', 'its end recorded', 30_000)
  t.same(unhandled, [], 'no unhandled rejection')
})

t.test('a database that stays away: the end is given up, said, and the job left to expire', async (t) => {
  const { url } = await freshDatabase(t)
  const relay = await relayTo(t, url)
  const handle = await openDatabase({ databaseUrl: relay.url, dataDir: '/nonexistent' })
  t.teardown(() => handle.close())
  const db = queueDatabase(handle, 'pgboss', { log: silentLogger, retries: 2, retryDelayMs: 50 })
  t.teardown(() => db.close())
  const { createRequire } = await import('node:module')
  const plans = createRequire(import.meta.url)('pg-boss/src/plans.js') as { completeJobs(schema: string): string }
  relay.cut()
  t.same(await db.executeSql(plans.completeJobs('pgboss'), ['import', [], '{}']), { rows: [{ count: '0' }] })
  await t.rejects(db.executeSql('SELECT 1', []), 'any other command fails as it did')
})
