import { readFileSync } from 'node:fs'
import t from 'tap'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import { syncHarness } from '../helpers/sync.ts'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/bbb/${name}`, import.meta.url), 'utf8')

t.test('real replies are stored as they say, with sha1 and sha256', async (t) => {
  for (const checksum of ['sha1', 'sha256'] as const) {
    const h = await syncHarness(t, { reply: fixture('getRecordings-moodle-podcast-presentation.xml'), algorithms: [checksum] }, { checksum })
    const summary = await h.service.syncSource(h.source)
    t.equal(summary.status, 'succeeded', summary.error ?? checksum)
    t.equal(summary.listing, 'full', 'no totalElements: a full listing')
    const rows = await h.rows()
    t.equal(rows.length, 6)
    const row = rows.find((r) => r.record_id === 'f71d810b6e90a4a34ae02b8c7143e8733178578e-1462807897120')
    t.equal(row?.meeting_id, '9d287cf50490ca856ca5273bd303a7e321df6051-4-119[0]')
    t.equal(row?.state, 'published')
    t.equal(row?.metadata['bbb-origin-server-name'], 'planetinteractive.us')
    t.same(row?.formats.map((f) => f.type), ['podcast', 'presentation'])
    t.equal(new Date(row!.start_time).getTime(), 1462807897120)
    t.same(h.fake.calls, [{ offset: '0', limit: '100' }], 'auto asks for a first page')
  }
})

t.test('paged (BBB 2.6): every page, formats completed by recordID, each recording once', async (t) => {
  const h = await syncHarness(t, { flavour: 'bbb-2.6', recordings: syntheticRecordings(230) }, { listing: 'paged' })
  const summary = await h.service.syncSource(h.source)
  t.equal(summary.status, 'succeeded', summary.error ?? '')
  t.same([summary.listing, summary.complete, summary.counts.new], ['paged', true, 230])
  const rows = await h.rows()
  t.equal(rows.length, 230)
  t.ok(rows.every((r) => r.formats.length === 2), 'the page lists one format; the recordID calls give both')
  const pages = h.fake.calls.filter((c) => c.limit)
  t.same(pages.map((c) => c.offset), ['0', '100', '200'])
  const byId = h.fake.calls.filter((c) => c.recordID)
  t.equal(byId.reduce((n, c) => n + (c.recordID?.split(',').length ?? 0), 0), 230, 'each recording completed once')
  t.ok(byId.every((c) => (c.recordID?.split(',').length ?? 0) <= 50), 'at most 50 recordIDs a call')
})

t.test('auto picks paged when the server pages, full when it does not', async (t) => {
  const paged = await syncHarness(t, { flavour: 'bbb-2.6', recordings: syntheticRecordings(120) })
  t.equal((await paged.service.syncSource(paged.source)).listing, 'paged')
  const full = await syncHarness(t, { flavour: 'bbb-2.5', recordings: syntheticRecordings(120) })
  const summary = await full.service.syncSource(full.source)
  t.same([summary.listing, summary.counts.new], ['full', 120])
  t.equal(full.fake.calls.length, 1, 'one call: the unpaged server returned everything')
})

t.test('full: one unfiltered call; Scalelite order and CDATA metadata', async (t) => {
  const h = await syncHarness(t, { flavour: 'scalelite', metadataStyle: 'cdata', recordings: syntheticRecordings(40) }, { listing: 'full' })
  const summary = await h.service.syncSource(h.source)
  t.same([summary.listing, summary.complete, summary.counts.new], ['full', true, 40])
  t.same(h.fake.calls, [{}], 'no parameter at all, like Pod')
  const row = (await h.rows()).find((r) => r.metadata['bbb-origin'] === 'Moodle')
  t.equal(row?.metadata['bbb-recording-description'], 'Cours <b>magistral</b> & TD', 'CDATA text kept verbatim')
})

t.test('asking paged from a server that does not page is a clear error', async (t) => {
  const h = await syncHarness(t, { flavour: 'scalelite', recordings: syntheticRecordings(3) }, { listing: 'paged' })
  const summary = await h.service.syncSource(h.source)
  t.equal(summary.status, 'failed')
  t.match(summary.error, /does not page/)
})

t.test('by-record-id: batches of recordIDs for servers that refuse unfiltered listing', async (t) => {
  const all = syntheticRecordings(130)
  const h = await syncHarness(t, { flavour: 'scalelite', filtered: true, recordings: all }, { listing: 'by-record-id' })
  const unfiltered = await h.service.syncSource({ ...h.source, listing: 'full' })
  t.match(unfiltered.error, /missingParameters.*meetingID or recordID must be included/)
  const ids = all.slice(0, 120).map((r) => r.recordId)
  const summary = await h.service.syncSource(h.source, { recordIds: [...ids, 'ffffffffffffffffffffffffffffffffffffffff-1000000000000'] })
  t.same([summary.status, summary.listing, summary.counts.new], ['succeeded', 'by-record-id', 120])
  t.equal(h.fake.calls.filter((c) => c.recordID).length, 3, '121 ids in calls of 50')
  const none = await h.service.syncSource(h.source)
  t.match(none.error, /needs recordIDs/)
})

t.test('by-record-id marks missing only among the recordIDs asked', async (t) => {
  const all = syntheticRecordings(10)
  const h = await syncHarness(t, { recordings: all })
  await h.service.syncSource(h.source)
  h.fake.recordings = all.filter((_, i) => i !== 0 && i !== 9)
  const summary = await h.service.syncSource({ ...h.source, listing: 'by-record-id' }, { recordIds: all.slice(0, 5).map((r) => r.recordId) })
  t.equal(summary.counts.missing, 1)
  const missing = (await h.rows()).filter((r) => r.missing_since).map((r) => r.record_id)
  t.same(missing, [all[0]!.recordId], 'recording 9 was not asked: not marked')
})

t.test('pages that shift while listing: upserted, but nothing marked missing', async (t) => {
  const all = syntheticRecordings(250)
  const h = await syncHarness(t, { flavour: 'bbb-2.6', recordings: all })
  t.equal((await h.service.syncSource(h.source)).complete, true)
  // A recording is deleted from page one while page two is asked for: everything after shifts by one.
  h.fake.recordings = [...all]
  h.fake.beforeReply = (params) => {
    if (params.get('offset') === '100') h.fake.recordings.splice(0, 1)
  }
  const summary = await h.service.syncSource(h.source)
  t.equal(summary.status, 'succeeded')
  t.equal(summary.complete, false)
  t.match(summary.incompleteReason, /total changed|pages shifted/)
  t.equal(summary.counts.missing, 0)
  t.equal((await h.rows()).filter((r) => r.missing_since).length, 0)
})

t.test('state: published and unpublished by default, any when configured', async (t) => {
  const all = syntheticRecordings(20).map((r, i) => (i < 2 ? { ...r, state: 'deleted' } : r))
  const h = await syncHarness(t, { recordings: all })
  t.equal((await h.service.syncSource(h.source)).counts.listed, 18)
  t.equal((await h.service.syncSource({ ...h.source, states: 'any' })).counts.listed, 20)
  t.same(h.fake.calls.at(-1), { state: 'any', offset: '0', limit: '100' })
})
