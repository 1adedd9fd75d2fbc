// Faults on the import path: Pod down or refusing, users to create, recordings gone, workers killed.
import t from 'tap'
import { createImportRunner } from '../../src/jobs/import-runner.ts'
import { createImportsRepository } from '../../src/jobs/imports-repository.ts'
import type { PublishTarget } from '../../src/publish/target.ts'
import { importHarness, startWorkerProcess, waitForImport } from '../helpers/imports.ts'
import { silentLogger } from '../../src/log.ts'

/** A publishing target that nothing may reach. */
const unusedTarget: PublishTarget = {
  publish: async () => {
    throw new Error('nothing may be published')
  },
}

t.test('Pod answering 503 is retried: one upload in the end', async (t) => {
  const h = await importHarness(t)
  await h.pod.fault({ kind: 'status', method: 'POST', path: '/rest/videos/', status: 503 })
  const done = await waitForImport(h.db, await h.requestImport(1), ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  t.equal(done.attempts, 2, 'the second attempt')
  t.equal((await h.pod.state()).videos.length, 1)
  t.ok(h.logs.some((l) => /HTTP 503/.test(l)), `the reason was logged: ${h.logs.join(' / ')}`)
})

t.test('a 4xx from Pod fails at once with the reason', async (t) => {
  const h = await importHarness(t)
  await h.pod.fault({ kind: 'status', method: 'POST', path: '/rest/videos/', status: 400 })
  const failed = await waitForImport(h.db, await h.requestImport(1), ['done', 'failed'])
  t.equal(failed.state, 'failed')
  t.equal(failed.attempts, 1, 'not retried')
  t.match(failed.error, /Pod refused POST \/rest\/videos\/ \(HTTP 400\)/)
  t.same(h.leftovers(), [])
})

t.test('a teacher Pod does not know yet is created there (POD_CREATE_USERS)', async (t) => {
  const h = await importHarness(t)
  const done = await waitForImport(h.db, await h.requestImport(2), ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  const pod = await h.pod.state()
  t.match(pod.users.find((u) => u.username === 'nouveau'), { email: 'nouveau@univ.example', is_staff: true }, 'created as staff, as Pod\'s own script does')
  t.equal(pod.videos[0]!.owner, 'nouveau')
})

t.test('a recording deleted from BBB before its import fails with a clear reason', async (t) => {
  const h = await importHarness(t)
  const recordId = (await h.db.selectFrom('recordings').select('record_id').where('id', '=', h.ids[0]!).executeTakeFirstOrThrow()).record_id
  h.fake.recordings = h.fake.recordings.filter((r) => r.recordId !== recordId)
  const failed = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(failed.state, 'failed')
  t.match(failed.error, /no longer on .* \(deleted from BBB\?\)/)
  t.equal(failed.attempts, 1, 'permanent: not retried')
  t.equal((await h.pod.state()).videos.length, 0)
})

t.test('one retry rule: a recording without audio fails at its first attempt with the reason; a 503 from BBB\'s files is retried', async (t) => {
  const h = await importHarness(t)
  const recordIdOf = async (position: number) => (await h.db.selectFrom('recordings').select('record_id').where('id', '=', h.ids[position]!).executeTakeFirstOrThrow()).record_id
  const silent = await recordIdOf(0)
  h.fake.fileFaults.push({ path: new RegExp(`^/presentation/${silent}/(video/webcams|audio/audio)\\.`), status: 404, times: 1000 })
  const failed = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(failed.state, 'failed')
  t.match(failed.error, /^no audio in /)
  t.equal(failed.attempts, 1, 'the recording will not grow a sound track: not retried')
  const flaky = await recordIdOf(1)
  h.fake.fileFaults.push({ path: new RegExp(`^/presentation/${flaky}/metadata\\.xml$`), status: 503, times: 4 })
  const done = await waitForImport(h.db, await h.requestImport(1), ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  t.equal(done.attempts, 2, 'the converter\'s own retries ran out, the import\'s next attempt went through')
  t.ok(h.logs.some((l) => /metadata\.xml .*HTTP 503/.test(l)), `the reason was logged: ${h.logs.join(' / ')}`)
})

t.test('a worker killed during the conversion: another takes the import up after its lease, one upload', async (t) => {
  const h = await importHarness(t, { IMPORT_LEASE: '2' }, { startWorker: false })
  const worker = startWorkerProcess(t, { ...h.workerEnv, IMPORT_LEASE: '2' })
  const id = await h.requestImport(0)
  const converting = await waitForImport(h.db, id, ['converting', 'uploading', 'done', 'failed'], 30_000).catch((e) => {
    throw new Error(`${e.message}; worker said: ${worker.output().slice(-1000)}`)
  })
  t.equal(converting.state, 'converting', 'the other process is converting')
  worker.child.kill('SIGKILL')
  await worker.exited
  t.equal((await waitForImport(h.db, id, ['converting'])).state, 'converting', 'left mid-way')
  await h.startWorkers()
  const done = await waitForImport(h.db, id, ['done', 'failed'], 60_000)
  t.equal(done.state, 'done', done.error ?? '')
  t.equal(done.attempts, 2, 'the second run finished it')
  t.equal((await h.pod.state()).videos.length, 1, 'one upload')
})

t.test('a job fetched while the worker stops is left untouched for another worker', async (t) => {
  const h = await importHarness(t, {}, { startWorker: false })
  const id = await h.requestImport(0)
  const runImport = createImportRunner({ imports: createImportsRepository(h.db), log: silentLogger, sources: h.config.sources, target: unusedTarget,
    connectTimeoutMs: 1000, maxImportBytes: 1 << 20, leaseSeconds: 60, stopping: AbortSignal.abort() })
  t.equal(await runImport(id), 'handed back')
  t.match(await h.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow(), { state: 'queued', attempts: 0, lease_until: null }, 'not begun')
})

t.test('Pod stored the upload but its answer was lost: one video in Pod, followed to the end', async (t) => {
  const h = await importHarness(t)
  // Django REST framework trims the title it stores: the lookup must find it all the same.
  await h.db.updateTable('recordings').set({ name: '  Cours du lundi  ' }).where('id', '=', h.ids[0]!).execute()
  await h.pod.fault({ kind: 'lose-answer', method: 'POST', path: '/rest/videos/' })
  const done = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  const { videos } = await h.pod.state()
  t.equal(videos.length, 1, 'no second upload')
  t.equal(done.pod_video_id, String(videos[0]!.id))
  t.equal(videos[0]!.encoding_launches, 1, 'its encoding launched once')
  t.equal(videos[0]!.title, 'Cours du lundi')
  t.ok(videos[0]!.encoded)
})

t.test('a worker stopped (SIGTERM) during the conversion hands its import back at once: nothing left behind, another finishes it', async (t) => {
  const h = await importHarness(t, { IMPORT_LEASE: '600' }, { startWorker: false })
  const worker = startWorkerProcess(t, { ...h.workerEnv, IMPORT_LEASE: '600' })
  const id = await h.requestImport(0)
  t.equal((await waitForImport(h.db, id, ['converting', 'uploading', 'done', 'failed'], 30_000)).state, 'converting', worker.output())
  worker.child.kill('SIGTERM')
  t.same(await worker.exited, [0, null], 'the worker ended cleanly')
  t.match(worker.output(), `import ${id}: handed back`)
  const back = await h.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  t.match(back, { state: 'queued', lease_until: null }, 'back in line, its lease released (not an hour-long wait for it)')
  t.same(h.leftovers(), [], 'its temporary files removed')
  await h.startWorkers()
  const done = await waitForImport(h.db, id, ['done', 'failed'], 60_000)
  t.equal(done.state, 'done', done.error ?? '')
  t.equal((await h.pod.state()).videos.length, 1, 'one upload')
})
