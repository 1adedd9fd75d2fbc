// Faults on the import path: Pod down or refusing, users to create, recordings gone, workers killed.
import { spawn } from 'node:child_process'
import t from 'tap'
import { importHarness, waitForImport } from '../helpers/imports.ts'

t.test('Pod answering 503 is retried: one upload in the end', async (t) => {
  const h = await importHarness(t)
  h.pod.faults.push({ method: 'POST', prefix: '/rest/videos/', status: 503, times: 1 })
  const done = await waitForImport(h.db, await h.requestImport(1), ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  t.equal(done.attempts, 2, 'the second attempt')
  t.equal(h.pod.uploads.length, 1)
  t.ok(h.logs.some((l) => /HTTP 503/.test(l)), 'the reason was logged')
})

t.test('a 4xx from Pod fails at once with the reason', async (t) => {
  const h = await importHarness(t)
  h.pod.faults.push({ method: 'POST', prefix: '/rest/videos/', status: 400, times: 1 })
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
  t.ok(h.pod.users.has('nouveau'))
  t.equal(h.pod.uploads[0]!.owner, `${h.pod.url}/rest/users/${h.pod.users.get('nouveau')!.id}/`)
})

t.test('a recording deleted from BBB before its import fails with a clear reason', async (t) => {
  const h = await importHarness(t)
  const recordId = (await h.db.selectFrom('recordings').select('record_id').where('id', '=', h.ids[0]!).executeTakeFirstOrThrow()).record_id
  h.fake.recordings = h.fake.recordings.filter((r) => r.recordId !== recordId)
  const failed = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(failed.state, 'failed')
  t.match(failed.error, /no longer on .* \(deleted from BBB\?\)/)
  t.equal(failed.attempts, 1, 'permanent: not retried')
  t.equal(h.pod.uploads.length, 0)
})

t.test('a worker killed during the conversion: another takes the import up after its lease, one upload', async (t) => {
  const h = await importHarness(t, { IMPORT_LEASE: '2' }, { startWorker: false })
  const child = spawn(process.execPath, ['bin/bbb-portal.js', 'worker'], { env: { ...process.env, ...h.workerEnv, IMPORT_LEASE: '2' }, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  t.teardown(() => child.kill('SIGKILL'))
  const id = await h.requestImport(0)
  const converting = await waitForImport(h.db, id, ['converting', 'uploading', 'done', 'failed'], 30_000).catch((e) => {
    throw new Error(`${e.message}; worker said: ${stderr.slice(-1000)}`)
  })
  t.equal(converting.state, 'converting', 'the other process is converting')
  child.kill('SIGKILL')
  await new Promise((r) => child.once('exit', r))
  t.equal((await waitForImport(h.db, id, ['converting'])).state, 'converting', 'left mid-way')
  await h.pipeline.startWorkers(1, { info: (m) => h.logs.push(m), warn: (m) => h.logs.push(m) })
  const done = await waitForImport(h.db, id, ['done', 'failed'], 60_000)
  t.equal(done.state, 'done', done.error ?? '')
  t.equal(done.attempts, 2, 'the second run finished it')
  t.equal(h.pod.uploads.length, 1, 'one upload')
})

t.test('Pod got the upload but the worker never heard back: the retry finds it, no second upload', async (t) => {
  const h = await importHarness(t, {}, { startWorker: false })
  const id = await h.requestImport(0)
  // What a lost answer leaves behind: the video in Pod, carrying the import's marker, and nothing on our row.
  h.pod.uploads.push({
    id: 1, slug: '0001-already-there', title: 'already there', owner: `${h.pod.url}/rest/users/1/`, type: null, date_evt: '2026-11-19',
    description: `Enregistrement BigBlueButton … [bbb-portal import ${id}]`, is_draft: true, bytes: 1, sha1: 'x', encodeLaunches: 0,
  })
  await h.pipeline.startWorkers(1, { info: (m) => h.logs.push(m), warn: (m) => h.logs.push(m) })
  const done = await waitForImport(h.db, id, ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  t.equal(h.pod.uploads.length, 1, 'no second upload')
  t.equal(done.pod_video_id, '1')
  t.equal(done.pod_video_url, `${h.pod.url}/video/0001-already-there/`)
  t.equal(h.pod.uploads[0]!.encodeLaunches, 1, 'its encoding launched and followed')
})
