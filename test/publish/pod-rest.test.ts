// Publishing through Pod's REST API, end to end from the teacher's click, against the test Pod
// (Django REST framework with Pod 4.1's models, serializers and routes: test/pod/).
import t from 'tap'
import { importHarness, waitForImport } from '../helpers/imports.ts'

/** Gives the recording at `position` a co-teacher that Pod does not know yet. */
async function addCoOwner(h: Awaited<ReturnType<typeof importHarness>>, position: number, username: string) {
  const user = await h.db.insertInto('users').values({ username, email: `${username}@univ.example`, display_name: 'Claire Collègue', created_via: 'test' }).returning('id').executeTakeFirstOrThrow()
  await h.db.insertInto('recording_owners').values({ recording_id: h.ids[position]!, user_id: user.id, reason: 'moodle-user' }).execute()
}

t.test('one video under the teacher with co-owners, site, type and a local date, after 503s and a lost answer', async (t) => {
  const h = await importHarness(t, { IMPORT_RETRIES: '5', POD_SITE_ID: '1', POD_VIDEO_TYPE: '1' })
  await addCoOwner(h, 0, 'ccollegue')
  // 00:30 in Paris on 15 January is still the 14th in UTC.
  await h.db.updateTable('recordings').set({ start_time: new Date('2026-01-14T23:30:00Z') }).where('id', '=', h.ids[0]!).execute()
  await h.pod.fault({ kind: 'status', method: 'POST', path: '/rest/videos/', status: 503, times: 2 })
  await h.pod.fault({ kind: 'lose-answer', method: 'POST', path: '/rest/videos/' })
  const done = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'], 120_000)
  t.equal(done.state, 'done', done.error ?? '')
  t.equal(done.attempts, 3, 'two 503s, then the upload whose answer was lost')
  const pod = await h.pod.state()
  t.equal(pod.videos.length, 1, 'one video in Pod')
  t.match(pod.videos[0], { owner: 'jdupont', additional_owners: ['ccollegue'], sites: [1], type: 1, date_evt: '2026-01-15', is_draft: true, encoded: true, encoding_launches: 1 })
  t.match(pod.users.find((u) => u.username === 'ccollegue'), { email: 'ccollegue@univ.example' }, 'the co-teacher was created in Pod')
})

t.test('the admin\'s defaults land on the video: channel, theme, licence, downloading, restricted, published', async (t) => {
  const h = await importHarness(t, async (pod) => {
    const created = async (route: string, body: object) => ((await (await pod.rest(route, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { id: number; url: string })
    const channel = await created('/rest/channels/', { title: 'Cours filmés', site: `${pod.url}/rest/sites/1/` })
    const theme = await created('/rest/themes/', { title: 'Licence 1', channel: channel.url })
    return { POD_CHANNEL: String(channel.id), POD_THEME: theme.url, POD_LICENCE: 'by-nc-sa', POD_ALLOW_DOWNLOADING: 'true', POD_IS_RESTRICTED: 'true', POD_DRAFT: 'false' }
  })
  const done = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'])
  t.equal(done.state, 'done', done.error ?? '')
  const [video] = (await h.pod.state()).videos
  t.match(video, { channels: [1], themes: [1], licence: 'by-nc-sa', allow_downloading: true, is_restricted: true, is_draft: false })
})

t.test('the never-twice lookup reads every page of the teacher\'s videos', async (t) => {
  const h = await importHarness(t)
  const title = (await h.db.selectFrom('recordings').select('name').where('id', '=', h.ids[0]!).executeTakeFirstOrThrow()).name
  // Pod lists 12 per page: 13 videos of the same title push ours to the second page.
  for (let i = 0; i < 13; i++) await h.pod.uploadVideo('jdupont', title)
  await h.pod.fault({ kind: 'lose-answer', method: 'POST', path: '/rest/videos/' })
  const done = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'], 120_000)
  t.equal(done.state, 'done', done.error ?? '')
  t.equal((await h.pod.state()).videos.length, 14, 'the 13 and ours, uploaded once')
})

t.test('an encoding that fails in Pod fails the import at once, with Pod\'s reason', async (t) => {
  for (const mode of ['ffmpeg-error', 'file-check'] as const) {
    const h = await importHarness(t)
    await h.pod.fault({ kind: 'encoding', mode })
    const started = Date.now()
    const failed = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'], 60_000)
    t.equal(failed.state, 'failed', mode)
    t.equal(failed.attempts, 1, `${mode}: not retried`)
    t.match(failed.error, mode === 'ffmpeg-error' ? /Pod could not encode the video \(-1: Error during video `\d+` encoding\.\)/ : /Pod could not encode the video \(-1: Wrong file or path:/)
    t.ok(Date.now() - started < 60_000, `${mode}: within a minute`)
    t.equal((await h.pod.state()).videos[0]!.encoding_launches, 1, `${mode}: launched once`)
  }
})

t.test('an encoding Pod has queued but not started (Celery backlog) is waited for, never launched again', async (t) => {
  const h = await importHarness(t)
  await h.pod.fault({ kind: 'encoding', mode: 'backlog', seconds: 3 })
  const done = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'], 60_000)
  t.equal(done.state, 'done', done.error ?? '')
  t.equal((await h.pod.state()).videos[0]!.encoding_launches, 1)
})

t.test('a run that finds encoding asked for by an earlier run never asks again; it gives up at POD_ENCODE_TIMEOUT', async (t) => {
  const h = await importHarness(t, { POD_ENCODE_TIMEOUT: '2', IMPORT_RETRIES: '0' }, { startWorker: false })
  const id = await h.requestImport(0)
  const title = (await h.db.selectFrom('recordings').select('name').where('id', '=', h.ids[0]!).executeTakeFirstOrThrow()).name
  // An earlier run uploaded and asked Pod to encode, then died; Pod's queue has not started it.
  const video = await h.pod.uploadVideo('jdupont', title, `… [bbb-portal import ${id}]`)
  await h.db.updateTable('imports').set({ pod_video_id: String(video.id), pod_asked_at: new Date() }).where('id', '=', id).execute()
  await h.startWorkers()
  const failed = await waitForImport(h.db, id, ['done', 'failed'], 60_000)
  t.equal(failed.state, 'failed')
  t.match(failed.error, /Pod has not started encoding the video/)
  t.equal((await h.pod.state()).videos[0]!.encoding_launches, 0, 'not launched again')
})

t.test('a file larger than Pod\'s web server accepts fails at once (413)', async (t) => {
  const h = await importHarness(t, {}, { pod: { maxBody: 100_000 } })
  const failed = await waitForImport(h.db, await h.requestImport(0), ['done', 'failed'], 60_000)
  t.equal(failed.state, 'failed')
  t.equal(failed.attempts, 1)
  t.match(failed.error, /larger than Pod's web server accepts \(HTTP 413/)
})

t.test('with USE_PODFILE on, Pod serves the thumbnail link, and publishing is the same', async (t) => {
  const h = await importHarness(t, {}, { pod: { usePodfile: true } })
  const done = await waitForImport(h.db, await h.requestImport(1), ['done', 'failed'], 60_000)
  t.equal(done.state, 'done', done.error ?? '')
  const video = await (await h.pod.rest(`/rest/videos/${done.pod_video_id}/`)).json()
  t.match(video.thumbnail, /\/rest\/images\/\d+\/$/)
})

t.test('the test Pod answers as Pod does where our old client went wrong', async (t) => {
  const h = await importHarness(t, {}, { startWorker: false })
  const noSites = new FormData()
  noSites.set('title', 'x')
  const refused = await h.pod.rest('/rest/videos/', { method: 'POST', body: noSites })
  t.equal(refused.status, 400)
  t.match(await refused.json(), { sites: ['This list may not be empty.'], type: ['This field is required.'], video: ['No file was submitted.'] })
  const done = waitForImport(h.db, await h.requestImport(1), ['done', 'failed'], 60_000)
  await h.startWorkers()
  const row = await done
  t.equal(row.state, 'done', row.error ?? '')
  // Pod's default USE_PODFILE=False: once encoding set a thumbnail, reading the video whole fails.
  t.equal((await h.pod.rest(`/rest/videos/${row.pod_video_id}/`)).status, 500)
  const listed = await (await h.pod.rest('/rest/videos/user_videos/?username=jdupont')).json()
  t.notOk('slug' in listed.results[0], 'user_videos has no top-level slug')
})
