// Pod's recorder folder: the video made in Pod for the teacher (RECORDER_ASSIGN, POST /rest/recording/),
// or left in Pod's claim list, against the test Pod (test/pod/, Pod 4.1's recorder models and REST).
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { queueImports } from '../../src/jobs/convert-all.ts'
import { claimFileName } from '../../src/publish/recorder-target.ts'
import { importHarness, waitForImport } from '../helpers/imports.ts'
import type { TestPod } from '../helpers/test-pod.ts'
import { createRepositories } from '../../src/services.ts'

/** Our recorder folder is Pod's own DEFAULT_RECORDER_PATH/bbb (recorder 1), as on a Pod server. */
const claimHarness = (t: Parameters<typeof importHarness>[0], env: Record<string, string> = {}, options: Parameters<typeof importHarness>[2] = {}) =>
  importHarness(t, (pod: TestPod) => ({ PUBLISH_TARGET: 'recorder-dir', RECORDER_DIR: pod.recorderPath, RECORDER_DIRECTORY: 'bbb', ...env }), options)
const claimFolder = (pod: TestPod) => readdirSync(path.join(pod.recorderPath, 'bbb'))

t.test('the video is made in Pod for the teacher, who is made staff; Pod takes the file', async (t) => {
  const h = await claimHarness(t)
  const id = await h.requestImport(0)
  const done = await waitForImport(h.db, id, ['done', 'failed'], 90_000)
  t.equal(done.state, 'done', done.error ?? '')
  const pod = await h.pod.state()
  t.equal(pod.recordings.length, 1)
  t.match(pod.recordings[0], { user: 'jdupont', recorder: 1, source_file: new RegExp(`^${h.pod.recorderPath}/bbb/[a-z0-9-]+-\\d{4}-\\d{2}-\\d{2}_${id}\\.mp4$`) })
  t.ok(pod.users.find((u) => u.username === 'jdupont')!.is_staff, 'made staff (POD_STAFF_USERS)')
  t.equal(pod.videos.length, 1)
  t.match(pod.videos[0], { owner: 'jdupont', encoded: true })
  t.equal(done.pod_video_url, `${h.pod.url}/video/${pod.videos[0]!.slug}/`)
  t.same(claimFolder(h.pod), [], 'Pod moved the file away')
})

t.test('the answer to POST /rest/recording/ is lost: the retry makes no second recording', async (t) => {
  const h = await claimHarness(t)
  await h.pod.fault({ kind: 'lose-answer', method: 'POST', path: '/rest/recording/' })
  const done = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'], 90_000)
  t.equal(done.state, 'done', done.error ?? '')
  t.equal(done.attempts, 2)
  const pod = await h.pod.state()
  t.equal(pod.recordings.length, 1)
  t.equal(pod.videos.length, 1)
  t.same(claimFolder(h.pod), [], 'no copy left behind')
})

t.test('a teacher who is not staff in Pod, with POD_STAFF_USERS=false: a clear failure, nothing in the claim folder', async (t) => {
  const h = await claimHarness(t, { POD_STAFF_USERS: 'false' })
  const failed = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'], 60_000)
  t.equal(failed.state, 'failed')
  t.match(failed.error, /"jdupont" is not staff in Pod, and Pod makes recordings for staff only/)
  t.same(claimFolder(h.pod), [])
})

t.test('sync --convert-all (Pod\'s manual claim) stays in the claim list, group-writable for Pod\'s user', async (t) => {
  const gid = process.getgid!()
  const h = await claimHarness(t, { RECORDER_GROUP: String(gid) })
  const recordId = (await h.db.selectFrom('recordings').select('record_id').where('id', '=', h.ids[1]!).executeTakeFirstOrThrow()).record_id
  const queued = await queueImports(createRepositories(h.db), 'demo', [recordId], { dry: false, enqueue: h.enqueue })
  t.equal(queued.queued, 1)
  const row = await h.db.selectFrom('imports').select('id').executeTakeFirstOrThrow()
  const done = await waitForImport(h.db, row.id, ['done', 'failed'], 60_000)
  t.equal(done.state, 'done', done.error ?? '')
  t.equal(done.pod_video_url, `${h.pod.url}/record/claim_record/`)
  const files = claimFolder(h.pod)
  t.equal(files.length, 1)
  const stat = statSync(path.join(h.pod.recorderPath, 'bbb', files[0]!))
  t.equal(stat.mode & 0o777, 0o664, 'group-writable')
  t.equal(stat.gid, gid)
  t.equal(statSync(path.join(h.pod.recorderPath, 'bbb')).mode & 0o2775, 0o2775, 'the folder too, new files keep its group')
  t.equal((await h.pod.state()).recordings.length, 0, 'nothing made in Pod')
})

t.test('claim file names: what the claim card shows first, within Pod\'s 200-character paths', async (t) => {
  const p = { title: 'Cours de Mécanique des fluides — L2 Amphi B, séance 12 (rattrapage)', startTime: new Date('2026-03-09T23:30:00Z'), importId: 4321 }
  const name = claimFileName(p, 'Europe/Paris', '/data/ftp-pod/ftp/bbb')
  t.equal(name, 'cours-de-mecanique-des-fluides-l-2026-03-10_4321.mp4')
  t.equal(name.slice(0, 43), 'cours-de-mecanique-des-fluides-l-2026-03-10', 'name and date in the 43 characters Pod shows')
  const deep = `/${'x'.repeat(150)}`
  t.ok(`${deep}/${claimFileName(p, 'Europe/Paris', deep)}`.length <= 200)
  t.throws(() => claimFileName(p, 'Europe/Paris', `/${'x'.repeat(190)}`), /leaves no room/)
})
