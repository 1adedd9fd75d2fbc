import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { openOwnerSources } from '../../src/owners/owner-sources.ts'
import { openCsvExport } from '../../src/sync/csv-export.ts'
import { buildApp } from '../helpers/app.ts'
import { responseErrors } from '../helpers/openapi.ts'
import { syncHarness } from '../helpers/sync.ts'

t.test('admin API: owners on recordings, orphans, users', async (t) => {
  const all = syntheticRecordings(6)
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'owners-api-')), 'map.csv')
  writeFileSync(file, `recordID,usernames\n${all[0]!.recordId},claire.martin\n${all[1]!.recordId},claire.martin paul.durand\n`)
  const config = { moodles: {}, mappingFile: file, resolvers: ['mapping' as const], match: 'username' as const, greenlightUrl: undefined, fallbackOwner: undefined, noticeFile: undefined }
  const sources = openOwnerSources(config)
  const h = await syncHarness(t, { recordings: all })
  h.useOwners(config, sources)
  // A first dry run stores nothing, yet its CSV names the owners (as Pod's dry run does).
  const csvFile = path.join(path.dirname(file), 'out.csv')
  const csv = openCsvExport(csvFile)
  const dry = await h.service.syncSource(h.source, { dry: true, csv: { write: (r) => csv.write(r, true), setOwners: (o) => csv.setOwners(o) } })
  await csv.close()
  t.match(dry.owners, { resolved: 2, orphaned: 4 })
  t.match(readFileSync(csvFile, 'utf8').split('\n').find((l) => l.startsWith(`${all[1]!.name};`)), /;claire\.martin, paul\.durand$/)
  t.equal((await h.rows()).length, 0, 'nothing stored by the dry run')
  await h.service.syncSource(h.source)
  const { app, admin, teacher } = await buildApp(t, h.db)
  const get = (url: string, headers: Record<string, string> = admin) => app.inject({ method: 'GET', url, headers })

  const second = (await get(`/api/v1/admin/recordings?q=${all[1]!.recordId}`)).json()
  t.same(responseErrors('GET', '/api/v1/admin/recordings', 200, second), [])
  t.same(second.data[0].owners.map((o: { username: string; reason: string }) => `${o.username}:${o.reason}`), ['claire.martin:mapping', 'paul.durand:mapping'])
  t.match(second.data[0], { orphaned: false, ownerMatch: 'mapping' })
  const orphans = (await get('/api/v1/admin/recordings?orphaned=true')).json()
  t.equal(orphans.total, 4)
  t.ok(orphans.data.every((r: { owners: unknown[]; ownerMatch: string }) => r.owners.length === 0 && r.ownerMatch === 'none'))
  const users = await get('/api/v1/admin/users?q=CLAIRE')
  t.equal(users.statusCode, 200)
  t.same(responseErrors('GET', '/api/v1/admin/users', 200, users.json()), [])
  t.same(users.json().data.map((u: { username: string }) => u.username), ['claire.martin'])
  t.equal((await get('/api/v1/admin/users?q=%25')).json().total, 0, '% is literal')
  t.equal((await get('/api/v1/admin/users', teacher)).statusCode, 403)
  t.equal((await get('/api/v1/admin/users?bogus=1')).statusCode, 400)
  const runs = (await get('/api/v1/admin/sync-runs')).json()
  t.same(responseErrors('GET', '/api/v1/admin/sync-runs', 200, runs), [])
  t.match(runs.data[0].owners, { checked: 6, resolved: 2, orphaned: 4 })
})
