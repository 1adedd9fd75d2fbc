import t from 'tap'
import { signToken } from '../../src/auth/tokens.ts'
import { jwtSecret } from '../helpers/app.ts'
import { cookieClient, portalHarness } from '../helpers/portal.ts'

t.test('the journal as CSV: the same entries in words, its filters kept, formulas neutralised', async (t) => {
  const h = await portalHarness(t, { count: 4, env: { AUTH: 'demo' } })
  const admin = { authorization: `Bearer ${signToken(jwtSecret, { sub: 'chef', admin: true })}` }
  await h.app.inject({ method: 'POST', url: `/api/v1/admin/recordings/${h.ids[1]}/owners`, headers: admin, payload: { usernames: ['durand'] } })
  await h.db.updateTable('recordings').set({ name: '=HYPERLINK("http://evil.example")' }).where('id', '=', h.ids[2]!).execute()
  await h.app.inject({ method: 'POST', url: `/api/v1/admin/recordings/${h.ids[2]}/abandon`, headers: admin, payload: { reason: 'cours fermé' } })
  const chef = cookieClient(h.app)
  await chef.demoLogin('chef', true)
  const page = (await chef.get('/admin/audit?action=recording.abandon')).body
  t.match(page, '<a href="/admin/audit.csv?action&#x3D;recording.abandon" download>Exporter en CSV</a>', 'the export keeps the filter')
  const csv = await chef.get('/admin/audit.csv?action=recording.abandon')
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  const lines = csv.body.trim().split('\n')
  t.equal(lines[0], 'Quand;Qui;Action;Cible;Changement')
  t.equal(lines.length, 2, 'only the filtered action')
  t.match(lines[1], /;chef;Enregistrement abandonné;"'=HYPERLINK\(""http:\/\/evil\.example""\)";raison : cours fermé$/, "the recording's title, neutralised: no formula")
  const all = (await chef.get('/admin/audit.csv')).body
  t.match(all, /Propriétaires attribués;[^;]+;alice → alice, durand|Propriétaires attribués;[^;]+;bob → bob, durand/, 'the change as a short diff')
  t.equal((await cookieClient(h.app).get('/admin/audit.csv')).statusCode, 303, 'admins only: a visitor is sent to log in')
})
