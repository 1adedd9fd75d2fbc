import t from 'tap'
import { recordingXml } from '../../src/demo/fake-bbb-xml.ts'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { toRawRecording } from '../../src/bbb/raw-recording.ts'
import { createBatchWriter } from '../../src/sync/batch-writer.ts'
import { createRecordingsRepository } from '../../src/sync/recordings-repository.ts'
import { SyncTally } from '../../src/sync/sync-tally.ts'
import { freshDatabase } from '../helpers/database.ts'

t.test('a database slower than the listing holds the listing up: one write in flight, never a queue', async (t) => {
  const handle = await freshDatabase(t)
  const run = await handle.db.insertInto('sync_runs').values({ source: 'old', dry: false, invalid: '[]', options: '{}' }).returning('id').executeTakeFirstOrThrow()
  const real = createRecordingsRepository(handle.db)
  let inFlight = 0
  let mostInFlight = 0
  let done = 0
  // The real repository, its writes made slow, as a loaded database would be.
  const repository = {
    ...real,
    async upsert(rows: Parameters<typeof real.upsert>[0]) {
      mostInFlight = Math.max(mostInFlight, ++inFlight)
      await new Promise((resolve) => setTimeout(resolve, 50))
      await real.upsert(rows)
      inFlight--
      done++
    },
  }
  const writer = createBatchWriter({ repository, source: 'old', runId: run.id, now: new Date(), dry: false, tally: new SyncTally() })
  const raws = syntheticRecordings(60).map((r) => toRawRecording(recordingXml(r, { baseUrl: 'https://bbb.example.edu' })))
  const waiting: number[] = []
  for (let i = 0; i < 6; i++) {
    await writer.store(raws.slice(i * 10, i * 10 + 10).map((raw) => ({ ...raw, recordId: raw.recordId! })))
    waiting.push(i + 1 - done)
  }
  await writer.flush()
  t.equal(mostInFlight, 1, 'never two writes at once')
  t.same(waiting, [1, 1, 1, 1, 1, 1], 'each store() returns with only its own batch not yet written')
  t.equal(writer.written(), 60)
  t.equal((await handle.db.selectFrom('recordings').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n, '60')
})
