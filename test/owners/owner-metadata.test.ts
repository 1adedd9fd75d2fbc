import t from 'tap'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { createOwnersRepository } from '../../src/owners/owners-repository.ts'
import { syncHarness } from '../helpers/sync.ts'

t.test('owner resolution reads the metadata keys it needs, lowercased, as the recording was last written', async (t) => {
  const [one] = syntheticRecordings(1)
  const metadata = { 'BBB-Origin': 'Moodle', 'bbb-origin-server-name': 'moodle.univ.example', 'bbb-context-label': 'MATH101', 'bbb-recording-description': 'not needed' }
  const h = await syncHarness(t, { recordings: [{ ...one!, metadata }] })
  const repo = createOwnersRepository(h.db)
  await h.service.syncSource(h.source)
  t.same((await repo.recordingsOf('old')).map((r) => r.metadata), [{ 'bbb-origin': 'Moodle', 'bbb-origin-server-name': 'moodle.univ.example', 'bbb-context-label': 'MATH101' }])

  h.fake.recordings = [{ ...one!, metadata: { ...metadata, 'bbb-origin-server-name': 'moodle2.univ.example' } }]
  t.equal((await h.service.syncSource(h.source)).counts.updated, 1)
  t.equal((await repo.recordingsOf('old'))[0]!.metadata['bbb-origin-server-name'], 'moodle2.univ.example', 'a changed recording: read again')

  // A row written by anything else than the sync (an admin tool, a restore) gets them too.
  await h.db.updateTable('recordings').set({ metadata: JSON.stringify({ 'BN-ORIGIN': 'Moodle' }) }).execute()
  t.same((await repo.recordingsOf('old'))[0]!.metadata, { 'bn-origin': 'Moodle' })
})
