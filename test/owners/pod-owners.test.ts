// Owners from Pod's "Réunions" module (`/rest/meeting_session/`), against the test Pod (test/pod/).
import t from 'tap'
import type { AppConfig } from '../../src/config.ts'
import type { FakeRecording } from '../../src/demo/fake-bbb-xml.ts'
import { createPodClient } from '../../src/pod/pod-client.ts'
import { podOwnerResolver } from '../../src/pod/pod-owner-resolver.ts'
import { startTestPod } from '../helpers/test-pod.ts'
import { syncHarness } from '../helpers/sync.ts'

const base = { published: true, state: 'published', startTime: Date.UTC(2025, 2, 1), endTime: Date.UTC(2025, 2, 1, 1), formats: [{ type: 'presentation', url: 'https://bbb.univ.example/playback/presentation/2.3/x', length: 60 }] }
const rid = (n: number) => `${String(n).repeat(40).slice(0, 40)}-1740787200000`

const ownersConfig = (resolvers: AppConfig['owners']['resolvers']): AppConfig['owners'] => ({
  moodles: {}, greenlightUrl: undefined, mappingFile: undefined, resolvers, match: 'username', fallbackOwner: undefined, noticeFile: undefined,
})

t.test('a recording of a Pod meeting belongs to its Pod owner; Pod is asked once per sync', async (t) => {
  const pod = await startTestPod(t)
  await pod.addUser('MProf', { email: 'marie.prof@univ.example' })
  await pod.addUser('autre')
  const meeting = await pod.addMeeting('Cours de maths', 'MProf')
  await pod.addMeeting('Réunion d\'équipe', 'autre')
  t.equal(meeting.meeting_id, '0001-cours-de-maths', 'Pod\'s meetingID: "%04d-" and the slug of the name')
  const recordings: FakeRecording[] = [
    // Moodle's origin tags too: Pod's script looks for a Pod meeting first, whatever made it.
    { ...base, recordId: rid(1), meetingId: meeting.meeting_id, name: 'Cours de maths', metadata: { 'bbb-origin': 'Moodle', meetingId: meeting.meeting_id } },
    { ...base, recordId: rid(2), meetingId: 'not-a-pod-meeting', name: 'Ailleurs', metadata: {} },
  ]
  const h = await syncHarness(t, { recordings })
  const client = createPodClient({ url: pod.url, token: pod.token })
  t.teardown(() => client.close())
  h.useOwners(ownersConfig(['pod', 'moodle']), { moodleFor: () => undefined, pod: podOwnerResolver(client, 1) })
  const summary = await h.service.syncSource(h.source)
  t.match(summary.owners, { checked: 2, resolved: 1, orphaned: 1, byMatch: { pod: 1, none: 1 } })
  const owners = await h.db.selectFrom('recording_owners as o').innerJoin('users as u', 'u.id', 'o.user_id').innerJoin('recordings as r', 'r.id', 'o.recording_id')
    .select(['r.record_id', 'u.username', 'u.email', 'u.display_name', 'o.reason']).execute()
  t.same(owners, [{ record_id: rid(1), username: 'mprof', email: 'marie.prof@univ.example', display_name: 'MProf', reason: 'pod-owner' }])
  const asked = (await pod.state()).requests
  t.same(asked.filter((r) => r.includes('meeting_session')), ['GET /rest/meeting_session/?page=1'], 'the meetings once (one page)')
  t.equal(asked.filter((r) => r.startsWith('GET /rest/users/')).length, 1, 'the one owner once')
})

t.test('a Pod without the meetings module (USE_MEETING=False) leaves the other resolvers at work', async (t) => {
  const pod = await startTestPod(t, { noMeetings: true })
  const recordings: FakeRecording[] = [{ ...base, recordId: rid(3), meetingId: 'm3', name: 'Trois', metadata: {} }]
  const h = await syncHarness(t, { recordings })
  const client = createPodClient({ url: pod.url, token: pod.token })
  t.teardown(() => client.close())
  h.useOwners(ownersConfig(['pod', 'mapping']), { moodleFor: () => undefined, pod: podOwnerResolver(client, 1), mapping: { lookup: () => ['jmapped'], size: 1 } })
  const summary = await h.service.syncSource(h.source)
  t.match(summary.owners, { checked: 1, resolved: 1, unresolved: 0, errors: [], byMatch: { mapping: 1 } })
})

t.test('Pod unreachable: the recordings keep their owners, the run says why, the next one resolves', async (t) => {
  const pod = await startTestPod(t)
  await pod.addUser('mprof')
  const meeting = await pod.addMeeting('Cours', 'mprof')
  const h = await syncHarness(t, { recordings: [{ ...base, recordId: rid(4), meetingId: meeting.meeting_id, name: 'Cours', metadata: {} }] })
  const client = createPodClient({ url: pod.url, token: pod.token })
  t.teardown(() => client.close())
  h.useOwners(ownersConfig(['pod']), { moodleFor: () => undefined, pod: podOwnerResolver(client, 1) })
  await pod.fault({ kind: 'status', path: '/rest/meeting_session/', status: 503 })
  const down = await h.service.syncSource(h.source)
  t.match(down.owners, { unresolved: 1, errors: [/^Pod: Pod answered HTTP 503/] })
  const up = await h.service.syncSource(h.source)
  t.match(up.owners, { resolved: 1, unresolved: 0, byMatch: { pod: 1 } })
})
