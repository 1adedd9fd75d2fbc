import t from 'tap'
import { signToken } from '../../src/auth/tokens.ts'
import { jwtSecret } from '../helpers/app.ts'
import { assignOwners, cookieClient, portalHarness } from '../helpers/portal.ts'

// One data set, every place that counts orphans: they must say the same number, before and
// after an admin gives one an owner.
t.test('the dashboard, the orphans page, the report and the API count orphans the same way', async (t) => {
  const h = await portalHarness(t, { count: 30, env: { AUTH: 'demo', FALLBACK_OWNER: 'enseignant' } })
  const admin = { authorization: `Bearer ${signToken(jwtSecret, { sub: 'chef', admin: true })}` }
  const api = async (url: string) => (await h.app.inject({ method: 'GET', url, headers: admin })).json()
  // Positions 11, 13 … 29: no resolver found an owner.
  const orphanIds = h.ids.filter((_, i) => i % 2 === 1 && i >= 10)
  await h.db.insertInto('recording_ownership').values(orphanIds.map((id) => ({ recording_id: id, owner_match: 'none', orphaned: true, moodle_activity_id: null, moodle_course_id: null, checked_at: new Date() }))).execute()
  const [imported, declined, abandoned, withFallback, adminGiven, deleted] = orphanIds as [number, number, number, number, number, number]
  const requester = await h.db.selectFrom('users').select('id').where('username', '=', 'alice').executeTakeFirstOrThrow()
  await h.db.insertInto('imports').values({ recording_id: imported, requested_by: requester.id, state: 'done', progress: null, error: null, pod_video_id: '1', pod_video_url: 'https://pod.example/video/1/', pod_asked_at: null, finished_at: new Date() }).execute()
  await h.db.updateTable('recordings').set({ declined_at: new Date() }).where('id', '=', declined).execute()
  await h.db.updateTable('recordings').set({ abandoned_at: new Date(), abandoned_reason: 'test', abandoned_by: 'chef' }).where('id', '=', abandoned).execute()
  await h.db.updateTable('recordings').set({ state: 'deleted' }).where('id', '=', deleted).execute()
  const fallbackUser = await h.db.insertInto('users').values({ username: 'enseignant', email: null, display_name: 'Enseignant', created_via: 'test' }).returning('id').executeTakeFirstOrThrow()
  await h.db.insertInto('recording_owners').values({ recording_id: withFallback, user_id: fallbackUser.id, reason: 'fallback' }).execute()
  const positions = Object.fromEntries(h.ids.map((id, i) => [id, i]))
  await assignOwners(h.db, { dupont: [positions[adminGiven]!] }, 'admin')

  const chef = cookieClient(h.app)
  await chef.demoLogin('chef', true)
  const pageTotal = async (query = '') => {
    const body = (await chef.get(`/admin/orphans${query}`)).body
    return Number(/(\d+) enregistrement\(s\)/.exec(body)?.[1] ?? 0)
  }
  const counts = async () => {
    const board = await api('/api/v1/admin/sources/old')
    const report = (await api('/api/v1/admin/sources/old/report')).data as Array<{ orphan: string; status: string }>
    const dashboardPage = (await chef.get('/admin')).body
    return {
      dashboard: board.orphans,
      dashboardPage: Number(/data-orphans="(\d+)"/.exec(dashboardPage)?.[1]),
      page: await pageTotal(),
      api: (await api('/api/v1/admin/recordings?orphaned=true&limit=1')).total,
      report: report.filter((r) => r.orphan === 'yes').length,
      waitingDashboard: board.counts.orphaned,
      waitingPage: await pageTotal('?status=orphaned'),
      waitingReport: report.filter((r) => r.status === 'orphaned').length,
      unsettledPage: await pageTotal('?status=unsettled'),
    }
  }

  // 10 flagged, minus the one an admin gave an owner and the deleted one: 8 orphans, 3 of them settled.
  t.same(await counts(), { dashboard: 8, dashboardPage: 8, page: 8, api: 8, report: 8, waitingDashboard: 5, waitingPage: 5, waitingReport: 5,
    unsettledPage: 5 })

  const page = (await chef.get('/admin/orphans')).body
  const row = (id: number) => new RegExp(`<tr id="orphan-${id}">[\\s\\S]*?</tr>`).exec(page)?.[0] ?? ''
  t.match(row(imported), /data-settlement="imported">Importé</, 'an imported orphan shows its status')
  t.match(row(withFallback), /Enseignant \(enseignant\) <span class="course">\(propriétaire par défaut\)/, 'a fallback owner is shown, the recording stays an orphan')
  t.notOk(row(adminGiven), 'an owner given by an admin ends orphanhood')
  t.notOk(row(deleted), 'a deleted recording is no orphan')
  const unsettled = (await chef.get('/admin/orphans?status=unsettled')).body
  for (const settled of [imported, declined, abandoned]) t.notMatch(unsettled, `id="orphan-${settled}"`, 'settled ones filtered out')

  const csrf = await chef.csrf('/admin/orphans')
  const waiting = orphanIds.find((id) => ![imported, declined, abandoned, withFallback, adminGiven, deleted].includes(id))!
  t.equal((await chef.post(`/admin/recordings/${waiting}/owners`, { _csrf: csrf, usernames: 'martin', back: '/admin/orphans' })).statusCode, 303)
  t.same(await counts(), { dashboard: 7, dashboardPage: 7, page: 7, api: 7, report: 7, waitingDashboard: 4, waitingPage: 4, waitingReport: 4, unsettledPage: 4 }, 'one assigned: every count drops by one')

  // "Every orphan of this filter" gives owners to those still to settle, never to an abandoned one.
  const bulk = await h.app.inject({ method: 'POST', url: '/api/v1/admin/orphans/assign', headers: admin, payload: { filter: { source: 'old' }, usernames: ['durand'] } })
  t.same(bulk.json(), { assigned: 4 })
  t.same(await counts(), { dashboard: 3, dashboardPage: 3, page: 3, api: 3, report: 3, waitingDashboard: 0, waitingPage: 0, waitingReport: 0, unsettledPage: 0 }, 'the settled ones stay orphans')
})
