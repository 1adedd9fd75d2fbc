// The import pipeline end to end: the API, the queue, a worker, the fake Pod or a folder.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import t from 'tap'
import { metricsAuth } from '../helpers/app.ts'
import { importHarness, waitForImport } from '../helpers/imports.ts'
import { importsWithoutJob } from '../../src/jobs/queue.ts'
import { createRepositories } from '../../src/services.ts'

t.test('an import ends encoded in Pod, under the teacher, exactly once', async (t) => {
  const h = await importHarness(t)
  const recording = await h.db.selectFrom('recordings').selectAll().where('id', '=', h.ids[0]!).executeTakeFirstOrThrow()
  const done = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  const { videos } = await h.pod.state()
  t.equal(videos.length, 1, 'one video in Pod')
  const video = videos[0]!
  t.equal(video.title, recording.name)
  t.equal(video.owner, 'jdupont', "jdupont's Pod user")
  t.match(video.description, recording.record_id)
  t.equal(video.is_draft, true, 'a draft (POD_DRAFT)')
  t.equal(video.encoding_launches, 1, 'encoding launched once')
  t.ok(video.encoded, 'encoded by Pod')
  t.ok(video.bytes > 50_000, `an MP4 of ${video.bytes} bytes`)
  t.equal(done.pod_video_url, `${h.pod.url}/video/${video.slug}/`)
  t.equal(done.pod_video_id, String(video.id))
  t.equal(done.attempts, 1)
  const shown = (await h.app.inject({ method: 'GET', url: `/api/v1/recordings/${recording.id}`, headers: h.as('jdupont') })).json()
  t.match(shown, { status: 'done', import: { podVideoUrl: done.pod_video_url } })
  t.same(h.leftovers(), [], 'temp files removed')
  const metrics = (await h.app.inject({ url: '/metrics', headers: metricsAuth })).body
  t.match(metrics, /bbb_portal_imports\{state="done"\} 1\n/)
  t.match(metrics, /bbb_portal_import_step_seconds_count\{step="convert",outcome="ok"\} [1-9]/)
  t.match(metrics, /bbb_portal_import_step_seconds_count\{step="publish",outcome="ok"\} [1-9]/)
})

t.test('100 concurrent requests for one recording: one import, one job', async (t) => {
  const h = await importHarness(t, {}, { startWorker: false })
  const answers = await Promise.all(Array.from({ length: 100 }, () => h.app.inject({ method: 'POST', url: `/api/v1/recordings/${h.ids[0]}/import`, headers: h.as('jdupont') })))
  t.same([...new Set(answers.map((a) => a.statusCode))].sort(), [200, 202])
  t.equal(answers.filter((a) => a.statusCode === 202).length, 1)
  t.equal((await h.db.selectFrom('imports').select('id').execute()).length, 1)
  const jobs = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'import'`.execute(h.db)
  t.equal(jobs.rows[0]!.n, 1, 'one job in the queue')
  t.match((await h.app.inject({ url: '/metrics', headers: metricsAuth })).body, /bbb_portal_import_queue_jobs\{state="created"\} 1\n/, 'the queue depth on /metrics')
})

t.test('cancel during the conversion stops it; nothing reaches Pod; temp files removed', async (t) => {
  const h = await importHarness(t)
  const id = await h.requestImport(0)
  await waitForImport(h.db, id, ['converting', 'uploading', 'done', 'failed'])
  const cancelled = await h.app.inject({ method: 'DELETE', url: `/api/v1/imports/${id}`, headers: h.as('jdupont') })
  t.equal(cancelled.statusCode, 200)
  t.equal(cancelled.json().state, 'cancelled')
  for (let i = 0; i < 100 && h.leftovers().length; i++) await new Promise((r) => setTimeout(r, 50))
  t.same(h.leftovers(), [], 'the run stopped and cleaned up')
  await new Promise((r) => setTimeout(r, 500))
  t.equal((await h.pod.state()).videos.length, 0, 'no upload')
  t.equal((await waitForImport(h.db, id, ['cancelled'])).state, 'cancelled', 'it stays cancelled')
  t.ok(h.logs.some((l) => l === `import ${id}: stopped`), 'the worker saw the cancel')
})

t.test('the plain claim (RECORDER_ASSIGN=false): the file appears whole in the recorder folder, named as Pod names them', async (t) => {
  const recorderDir = mkdtempSync(path.join(tmpdir(), 'bbbp-recorder-'))
  t.teardown(() => rmSync(recorderDir, { recursive: true, force: true }))
  const h = await importHarness(t, { PUBLISH_TARGET: 'recorder-dir', RECORDER_DIR: recorderDir, RECORDER_DIRECTORY: 'bbb', RECORDER_ASSIGN: 'false' })
  const id = await h.requestImport(0)
  const done = await waitForImport(h.db, id, ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  const files = readdirSync(path.join(recorderDir, 'bbb'))
  t.equal(files.length, 1, 'no .part left')
  t.match(files[0], new RegExp(`^[a-z0-9-]+-\\d{4}-\\d{2}-\\d{2}_${id}\\.mp4$`), 'slug of the name, the date, the import')
  t.equal(done.pod_video_url, `${h.pod.url}/record/claim_record/`, "the link is Pod's claim list")
  t.equal((await h.pod.state()).videos.length, 0, 'nothing made in Pod')
})

t.test('the teacher gets an e-mail when the import is done, and when it failed (SMTP_URL)', async (t) => {
  const { SMTPServer } = await import('smtp-server')
  const mails: Array<{ to: string; body: string }> = []
  const smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, callback) {
      let body = ''
      stream.on('data', (d: Buffer) => (body += d))
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), body })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => smtp.close(() => resolve())))
  const port = (smtp.server.address() as { port: number }).port
  const h = await importHarness(t, { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Portail BBB <bbb@univ.example>' })
  const done = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  for (let i = 0; i < 50 && !mails.length; i++) await new Promise((r) => setTimeout(r, 50))
  t.equal(mails.length, 1)
  t.equal(mails[0]!.to, 'jdupont@univ.example')
  t.match(mails[0]!.body, /Subject: =\?UTF-8\?|Subject: Import/)
  t.match(mails[0]!.body.replace(/=\r?\n/g, ''), done.pod_video_url!, 'the link to the Pod video')

  await h.pod.fault({ kind: 'status', method: 'POST', path: '/rest/videos/', status: 403 })
  const failed = await waitForImport(h.db, await h.requestImport(1), ['done', 'failed'])
  t.equal(failed.state, 'failed')
  for (let i = 0; i < 50 && mails.length < 2; i++) await new Promise((r) => setTimeout(r, 50))
  t.match(mails[1]!.body.replace(/=\r?\n/g, ''), /HTTP 403/, 'the reason')
})

t.test('the sweep asks pg-boss for each import\'s last job: one waiting is left alone, one gone is replaced', async (t) => {
  const h = await importHarness(t, {}, { startWorker: false })
  const imports = createRepositories(h.db).imports
  const user = await h.db.selectFrom('users').select('id').where('username', '=', 'jdupont').executeTakeFirstOrThrow()
  const waiting = await h.requestImport(0)
  const cancelled = await h.requestImport(1)
  const noJob = (await h.db.insertInto('imports').values({ recording_id: h.ids[2]!, requested_by: user.id }).returning('id').executeTakeFirstOrThrow()).id
  const rows = await h.db.selectFrom('imports').select(['id', 'job_id']).orderBy('id').execute()
  t.ok(rows.find((r) => r.id === waiting)?.job_id, 'the API kept the job\'s id on the import row')
  await h.pipeline.queue.boss.cancel('import', rows.find((r) => r.id === cancelled)!.job_id!)
  // All three asked for two minutes ago, still queued.
  await h.db.updateTable('imports').set({ updated_at: new Date(Date.now() - 120_000) }).execute()
  t.same(await importsWithoutJob(h.pipeline.queue, imports, new Date(Date.now() - 60_000)), [cancelled, noJob].sort((a, b) => a - b))
  t.same(await importsWithoutJob(h.pipeline.queue, imports, new Date(Date.now() - 180_000)), [], 'not before the grace period')
  t.same(await importsWithoutJob(h.pipeline.queue, imports, new Date(Date.now() - 60_000), 1), [cancelled, noJob].sort((a, b) => a - b),
    'page by page: an import whose job waits, first in line, hides none after it')
})

t.test('an import asked for while the queue was unreachable gets its job from the sweep', async (t) => {
  const h = await importHarness(t, {}, { startWorker: false })
  const user = await h.db.selectFrom('users').select('id').where('username', '=', 'jdupont').executeTakeFirstOrThrow()
  // As the API leaves it when the queue cannot be reached: a queued row, no job.
  const row = await h.db.insertInto('imports').values({ recording_id: h.ids[0]!, requested_by: user.id, updated_at: new Date(Date.now() - 120_000) }).returning('id').executeTakeFirstOrThrow()
  await h.startWorkers()
  const done = await waitForImport(h.db, row.id, ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  t.equal((await h.pod.state()).videos.length, 1)
})
