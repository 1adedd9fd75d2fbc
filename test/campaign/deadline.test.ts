import t from 'tap'
import { signToken } from '../../src/auth/tokens.ts'
import { jwtSecret, testServices } from '../helpers/app.ts'
import { cli } from '../helpers/cli.ts'
import { portalHarness } from '../helpers/portal.ts'
import { secret } from '../helpers/sync.ts'

const HOUR = 3_600_000

// One recording imported, one declined, the rest waiting (alice's, bob's, and two orphans).
async function waitingSource(t: { teardown(fn: () => unknown): void; testdir(): string }, fate: string) {
  const shutdownAt = new Date(Date.now() + 2 * 24 * HOUR)
  const h = await portalHarness(t, { count: 12, env: { BBB_SHUTDOWN_AT: shutdownAt.toISOString(), BBB_AT_DEADLINE: fate } })
  const alice = (await h.db.selectFrom('users').select('id').where('username', '=', 'alice').executeTakeFirstOrThrow()).id
  await h.db.insertInto('imports').values({ recording_id: h.ids[0]!, requested_by: alice, state: 'done', progress: null, error: null, pod_video_id: '7', pod_video_url: 'https://pod.example/video/7/', pod_asked_at: null, finished_at: new Date() }).execute()
  await h.db.updateTable('recordings').set({ declined_at: new Date() }).where('id', '=', h.ids[2]!).execute()
  const admin = { authorization: `Bearer ${signToken(jwtSecret, { sub: 'chef', admin: true })}` }
  const board = async () => (await h.app.inject({ method: 'GET', url: '/api/v1/admin/sources/old', headers: admin })).json()
  return { h, shutdownAt, board, campaign: testServices(t, h.db, h.config).campaign }
}

for (const fate of ['import', 'claim', 'abandon'] as const) {
  t.test(`atDeadline ${fate}: applied once, on the date, to everything still waiting; the verdict turns true after`, async (t) => {
    const { h, shutdownAt, board, campaign } = await waitingSource(t, fate)
    t.teardown(() => campaign.close())
    t.match(await board(), { atDeadline: fate, deadlineAppliedAt: null, safeToShutDown: false })
    t.same(await campaign.deadline('chef', 'old', { now: new Date(shutdownAt.getTime() - HOUR) }), { applied: false, reason: 'not yet' })

    const applied = await campaign.deadline('chef', 'old', { now: new Date(shutdownAt.getTime() + HOUR) })
    t.match(applied, { applied: true, fate, waiting: 10 })
    t.same(await campaign.deadline('chef', 'old', { now: new Date(shutdownAt.getTime() + 2 * HOUR) }), { applied: false, reason: 'already applied' }, 'never twice')

    const waiting = h.ids.slice(3).concat(h.ids[1]!)
    if (fate === 'abandon') {
      const abandoned = await h.db.selectFrom('recordings').select(['id', 'abandoned_reason']).where('abandoned_at', 'is not', null).execute()
      t.same(abandoned.map((r) => r.id).sort(), waiting.sort(), 'every waiting recording, nothing settled')
      t.ok(abandoned.every((r) => r.abandoned_reason === 'deadline'))
    } else {
      const queued = await h.db.selectFrom('imports').select(['recording_id', 'plain_claim', 'state']).where('state', '=', 'queued').execute()
      t.same(queued.map((i) => i.recording_id).sort(), waiting.sort(), 'an import for every waiting recording')
      t.ok(queued.every((i) => i.plain_claim === (fate === 'claim')), fate === 'claim' ? "to Pod's claim list" : 'for their owners')
      t.match(await board(), { safeToShutDown: false, counts: { inProgress: 10 } }, 'not safe while the queue holds them')
      await h.db.updateTable('imports').set({ state: 'done', finished_at: new Date() }).where('state', '=', 'queued').execute()
    }
    t.match(await board(), { safeToShutDown: true, deadlineAppliedAt: String }, 'safe once it has run and the queue is empty')
    t.match((await h.db.selectFrom('audit_log').selectAll().where('action', '=', 'campaign.deadline').execute()).map((a) => a.after), [{ fate, waiting: 10 }])
  })
}

t.test('bbb-portal campaign and deadline: what is due at a date, the deadline once', async (t) => {
  const shutdownAt = new Date(Date.now() + 10 * 24 * HOUR)
  const h = await portalHarness(t, { count: 4 })
  const env = { DATABASE_URL: h.handle.url, BBB_URL: h.fake.url, BBB_SECRET: secret, BBB_SOURCE_NAME: 'old', BBB_SHUTDOWN_AT: shutdownAt.toISOString(), REMINDERS: '7d,1d', DATA_DIR: t.testdir(), JWT_SECRET: jwtSecret }
  const closed = await cli(['campaign', '--source', 'old', '--tick'], env)
  t.match(closed.stdout, /the campaign of "old" is not open/)
  await h.db.insertInto('campaigns').values({ source: 'old', opened_by: 'chef' }).execute()
  const dry = await cli(['campaign', '--source', 'old', '--tick', '--dry', '--now', new Date(shutdownAt.getTime() - 7 * 24 * HOUR + HOUR).toISOString()], env)
  t.equal(dry.code, 0, dry.stderr)
  t.match(dry.stdout, /dry run: step due at .*: announcement \(reminder-7d superseded: due together, one e-mail is enough\); nothing sent/)
  t.equal((await h.db.selectFrom('campaign_mails').select('id').execute()).length, 0, 'dry: nothing planned')
  const early = await cli(['deadline', '--source', 'old'], env)
  t.match(early.stdout, /nothing done \(not yet\)/)
  const late = await cli(['deadline', '--source', 'old', '--now', new Date(shutdownAt.getTime() + HOUR).toISOString()], env)
  t.match(late.stdout, /deadline of "old" applied: claim for 4 recording\(s\) awaiting a choice \(queued 4\)/)
  t.match((await cli(['deadline', '--source', 'old', '--now', new Date(shutdownAt.getTime() + HOUR).toISOString()], env)).stdout, /already applied/)
  t.match((await cli(['campaign', '--source', 'old', '--tick', '--now', 'tomorrow'], env)).stderr, /--now: not a date/)
})
