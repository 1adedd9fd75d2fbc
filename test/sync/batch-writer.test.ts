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

t.test('a first sync of a source looks nothing up: every recording is new, and stored', async (t) => {
  const handle = await freshDatabase(t)
  const run = await handle.db.insertInto('sync_runs').values({ source: 'old', dry: false, invalid: '[]', options: '{}' }).returning('id').executeTakeFirstOrThrow()
  const real = createRecordingsRepository(handle.db)
  const calls = { findHashes: 0, analyze: 0 }
  const repository = {
    ...real,
    findHashes: (...args: Parameters<typeof real.findHashes>) => (calls.findHashes++, real.findHashes(...args)),
    analyze: () => (calls.analyze++, real.analyze()),
  }
  const tally = new SyncTally()
  const writer = createBatchWriter({ repository, source: 'old', runId: run.id, now: new Date(), dry: false, tally, sourceWasEmpty: true })
  const raws = syntheticRecordings(1200).map((r) => toRawRecording(recordingXml(r, { baseUrl: 'https://bbb.example.edu' })))
  for (let i = 0; i < raws.length; i += 500) await writer.store(raws.slice(i, i + 500).map((raw) => ({ ...raw, recordId: raw.recordId! })))
  await writer.flush()
  t.same(calls, { findHashes: 0, analyze: 0 }, 'no lookup, no statistics refresh on the way')
  t.match(tally.counts, { listed: 1200, new: 1200, updated: 0, unchanged: 0 })
  t.equal((await handle.db.selectFrom('recordings').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n, '1200')

  // The same writer for a source that holds recordings: each batch is looked up.
  const again = createBatchWriter({ repository, source: 'old', runId: run.id, now: new Date(), dry: false, tally: new SyncTally() })
  await again.store(raws.slice(0, 10).map((raw) => ({ ...raw, recordId: raw.recordId! })))
  await again.flush()
  t.equal(calls.findHashes, 1)
})
