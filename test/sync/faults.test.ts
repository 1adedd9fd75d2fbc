import { createServer } from 'node:net'
import t, { type Test } from 'tap'
import { syntheticRecordings } from '../../src/demo/synthetic.ts'
import type { Fault } from '../../src/demo/fake-bbb.ts'
import { syncHarness } from '../helpers/sync.ts'

/** Syncs 10 recordings, then runs one more sync through `fault`; returns its summary and the rows. */
async function afterFault(t: Test, fault: Fault | undefined, fakeOptions = {}, sourceOptions = {}) {
  const h = await syncHarness(t, { recordings: syntheticRecordings(10), ...fakeOptions }, sourceOptions)
  await h.service.syncSource(h.source)
  const before = JSON.stringify(await h.rows())
  if (fault) h.fake.faults.push(fault)
  const summary = await h.service.syncSource(h.source)
  return { h, summary, unchanged: JSON.stringify(await h.rows()) === before }
}

const cases: Array<[string, Fault, RegExp]> = [
  ['a FAILED reply', { kind: 'failed', messageKey: 'unexpectedError', message: 'An unexpected error occurred' }, /BBB answered FAILED \(unexpectedError\): An unexpected error occurred/],
  ['nginx 404 page (BBB #10570)', { kind: 'html', status: 404 }, /HTML page \(HTTP 404\) instead of XML: "404 Not Found".*#10570/],
  ['nginx 504 page', { kind: 'html', status: 504 }, /HTTP 504.*Gateway Time-out/],
  ['an HTML page with status 200', { kind: 'raw', body: '<!DOCTYPE html><html><head><title>Maintenance</title></head></html>', contentType: 'text/html' }, /HTML page/],
  ['HTTP 500', { kind: 'status', status: 500, body: 'oops' }, /HTTP 500/],
  ['truncated XML', { kind: 'truncate', afterBytes: 3000 }, /truncated|closed in the middle/],
  ['a read timeout', { kind: 'stall', afterBytes: 500, ms: 2500 }, /no answer from 127\.0\.0\.1:\d+ in time|truncated/],
  ['no answer before the timeout', { kind: 'delay', ms: 2500 }, /no answer from .* in time.*BBB_GET_RECORDINGS_TIMEOUT/],
  ['malformed XML', { kind: 'raw', body: '<response><returncode>SUCCESS</returncode><recordings></recordingz></response>' }, /not well-formed XML/],
  ['an XML bomb', { kind: 'raw', body: '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><response><returncode>SUCCESS</returncode><recordings><recording><recordID>&b;</recordID></recording></recordings></response>' }, /DTD or entity declaration.*refused/],
  ['an external entity', { kind: 'raw', body: '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><response><returncode>SUCCESS</returncode><message>&x;</message></response>' }, /refused/],
]

for (const [name, fault, message] of cases) {
  t.test(`${name}: the run fails with a clear message; nothing is marked missing`, async (t) => {
    const { h, summary, unchanged } = await afterFault(t, fault)
    t.equal(summary.status, 'failed')
    t.match(summary.error, message)
    t.equal(summary.counts.missing, 0)
    t.ok(unchanged, 'the recordings are as they were')
    const run = await h.db.selectFrom('sync_runs').selectAll().where('id', '=', summary.runId).executeTakeFirstOrThrow()
    t.same([run.status, run.complete], ['failed', false])
    t.match(run.error, message, 'the run keeps the error text')
  })
}

t.test('a checksum refused by the server (wrong secret): BBB\'s message; nothing changes', async (t) => {
  const h = await syncHarness(t, { recordings: syntheticRecordings(3) })
  await h.service.syncSource(h.source)
  const summary = await h.service.syncSource({ ...h.source, secret: 'wrong' })
  t.match(summary.error, /checksumError.*You did not pass the checksum security check/)
  t.equal((await h.rows()).filter((r) => r.missing_since).length, 0)
})

t.test('sha384 is refused by Scalelite: sha1/sha256/sha512 only', async (t) => {
  const h = await syncHarness(t, { flavour: 'scalelite', recordings: syntheticRecordings(1) }, { checksum: 'sha512' })
  t.equal((await h.service.syncSource(h.source)).status, 'succeeded')
})

t.test('a refused connection', async (t) => {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  await new Promise((r) => server.close(r))
  const h = await syncHarness(t, { recordings: [] })
  const summary = await h.service.syncSource({ ...h.source, url: `http://127.0.0.1:${port}/` })
  t.match(summary.error, new RegExp(`connection to 127.0.0.1:${port} refused`))
})

t.test('a failure after some pages: those recordings are kept, nothing marked missing', async (t) => {
  const all = syntheticRecordings(250)
  const h = await syncHarness(t, { flavour: 'bbb-2.6', recordings: all.slice(0, 200) })
  await h.service.syncSource(h.source)
  h.fake.recordings = all
  h.fake.beforeReply = (params) => {
    if (params.get('offset') === '200') h.fake.faults.push({ kind: 'html', status: 504 })
  }
  const summary = await h.service.syncSource(h.source)
  t.equal(summary.status, 'failed')
  t.ok(summary.counts.listed >= 200, 'the first pages were stored')
  t.equal((await h.rows()).filter((r) => r.missing_since).length, 0)
})

t.test('noRecordings without a <recordings> element (allowFetchAllRecordings=false) is an empty success', async (t) => {
  const h = await syncHarness(t, { flavour: 'bbb-2.6', allowFetchAll: false, recordings: syntheticRecordings(3) }, { listing: 'full' })
  const summary = await h.service.syncSource(h.source)
  t.same([summary.status, summary.counts.listed], ['succeeded', 0])
})
