import { readFileSync } from 'node:fs'
import t from 'tap'
import { consumeReply } from '../../src/bbb/client.ts'
import { parseEnvelope, parseRecording, parseRecordings, type ParsedRecording } from '../../src/bbb/recording.ts'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/bbb/${name}`, import.meta.url), 'utf8')

async function parseReply(xml: string) {
  const parsed: ParsedRecording[] = []
  const envelope = await consumeReply((async function* () {
    yield Buffer.from(xml)
  })(), (raw) => void parsed.push(parseRecording(raw.xml)))
  return { envelope, parsed }
}

const recording = (inner: string) =>
  `<recording><recordID>rid-1</recordID><meetingID>m</meetingID><name>Room</name><published>true</published><state>published</state><startTime>1700000000000</startTime><endTime>1700000060000</endTime>${inner}</recording>`

t.test('the real Moodle reply (CDATA metadata, 0.9.0 player, podcast)', async (t) => {
  const { envelope, parsed } = await parseReply(fixture('getRecordings-moodle-podcast-presentation.xml'))
  t.same(envelope, { messageKey: null, message: null, totalElements: null })
  t.equal(parsed.length, 6)
  t.ok(parsed.every((p) => p.ok))
  const first = (parsed[0] as { recording: import('../../src/bbb/recording.ts').Recording }).recording
  t.equal(first.recordId, 'f71d810b6e90a4a34ae02b8c7143e8733178578e-1462807897120')
  t.equal(first.meetingId, '9d287cf50490ca856ca5273bd303a7e321df6051-4-119[0]')
  t.equal(first.internalMeetingId, first.recordId, 'no internalMeetingID: the recordID')
  t.equal(first.name, 'SAT- Writing-Humanities (All participants)')
  t.equal(first.metadata['bn-origin'], 'Moodle')
  t.equal(first.metadata['bbb-origin-server-common-name'], '', 'empty CDATA is an empty string')
  t.equal(first.startTime.toISOString(), '2016-05-09T15:31:37.120Z')
  t.equal(first.durationSeconds, 4976)
  t.same(first.formats.map((f) => [f.type, f.lengthMinutes, f.size]), [['podcast', 632, 10500], ['presentation', 532, 168019]])
  t.match(first.formats[1]?.url, /\/playback\/presentation\/0\.9\.0\/playback\.html\?meetingId=/)
  t.same(first.formats[1]?.previews[0], {
    url: 'https://test-install.blindsidenetworks.com/presentation/f71d810b6e90a4a34ae02b8c7143e8733178578e-1462807897120/presentation/d2d9a672040fbde2a47a10bf6c37b6a4b5ae187f-1632646357291/thumbnails/thumb-1.png',
    width: 176, height: 136, alt: 'Welcome',
  })
})

t.test('the BBB docs example (gl-listed, participants, 2.0 player)', async (t) => {
  const { parsed } = await parseReply(fixture('getRecordings-docs-example-podcast-presentation.xml'))
  t.equal(parsed.length, 2)
  const r = parsed[0]?.ok ? parsed[0].recording : undefined
  t.equal(r?.name, "Fred's Room")
  t.equal(r?.participants, 3)
  t.equal(r?.metadata['gl-listed'], 'false')
  t.equal(r?.formats[1]?.previews.length, 3)
})

t.test('noRecordings, with or without <recordings>, is a success with zero', async (t) => {
  t.same((await parseReply(fixture('getRecordings-noRecordings.xml'))).envelope.messageKey, 'noRecordings')
  const bare = await parseReply('<response><returncode>SUCCESS</returncode><messageKey>noRecordings</messageKey><message>No recordings found. This may occur if you attempt to retrieve all recordings.</message></response>')
  t.equal(bare.parsed.length, 0)
  t.equal(bare.envelope.messageKey, 'noRecordings')
})

t.test('FAILED replies carry BBB\'s key and message', async (t) => {
  await t.rejects(parseReply(fixture('api-error-notFound.xml')), { fault: 'failed', message: 'BBB answered FAILED (notFound): Could not find recording' })
  await t.rejects(parseReply('<response><returncode>FAILED</returncode><errors><error><key>checksumError</key><message>Checksums do not match</message></error></errors></response>'), {
    message: /checksumError.*Checksums do not match/,
  })
})

t.test('shown name: metadata name, then bbb-recording-name, then <name>', async (t) => {
  const pick = (meta: string) => {
    const p = parseRecording(recording(`<metadata>${meta}</metadata>`))
    return p.ok ? p.recording.name : p.reason
  }
  t.equal(pick('<name>Renamed</name><bbb-recording-name>Activity</bbb-recording-name>'), 'Renamed')
  t.equal(pick('<bbb-recording-name>Activity</bbb-recording-name>'), 'Activity')
  t.equal(pick(''), 'Room')
})

t.test('entities and character references are decoded; text stays text', async (t) => {
  const p = parseRecording(recording('<metadata><bbb-context>R&amp;D &lt;2&gt; &#233;t&#xE9;</bbb-context><bbb-context-id>0012</bbb-context-id></metadata>'))
  t.ok(p.ok)
  if (p.ok) {
    t.equal(p.recording.metadata['bbb-context'], 'R&D <2> été')
    t.equal(p.recording.metadata['bbb-context-id'], '0012', 'digits are not turned into numbers')
  }
})

t.test('a breakout recording keeps its parent', async (t) => {
  const p = parseRecording(recording('<isBreakout>true</isBreakout><breakout><parentId>parent-rid</parentId><sequence>1</sequence></breakout>').replace('<name>Room</name>', '<name>Room</name>'))
  t.ok(p.ok && p.recording.parentMeetingId === 'parent-rid')
})

t.test('invalid recordings are reported with a reason, never thrown', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['<recording><meetingID>m</meetingID></recording>', /recordID/],
    [recording('').replace('1700000000000', 'yesterday'), /startTime is not a time/],
    [recording('<playback><format><type>presentation</type><url>javascript:alert(1)</url><length>1</length></format></playback>'), /url is not an http\(s\) URL/],
    [recording('<playback><format><type>presentation</type><url>https://x/</url><length>1</length><preview><images><image width="1" height="1">file:///etc/passwd</image></images></preview></format></playback>'), /not an http/],
    [recording('<participants>many</participants>'), /participants is not a whole number/],
    // new URL() reads these as http URLs; without their `//` host they would reach the converter as local paths.
    [recording('<playback><format><type>presentation</type><url>http:/../../../../tmp/x</url><length>1</length></format></playback>'), /url is not an http\(s\) URL/],
    [recording('<playback><format><type>video</type><url>https:tmp/x</url><length>1</length></format></playback>'), /url is not an http\(s\) URL/],
    [recording('<playback><format><type>video</type><url>http:\\\\evil/x</url><length>1</length></format></playback>'), /url is not an http\(s\) URL/],
  ]
  for (const [xml, reason] of cases) {
    const p = parseRecording(xml)
    t.notOk(p.ok, xml)
    if (!p.ok) t.match(p.reason, reason)
  }
  const p = parseRecording(recording('').replace('1700000000000', 'x'))
  t.equal(!p.ok && p.recordId, 'rid-1', 'the recordID is kept when it can be read')
})

t.test('a batch parse isolates a malformed recording from its neighbours', async (t) => {
  const good = (id: string) => recording('<metadata><bbb-context>C</bbb-context></metadata>').replace('rid-1', id)
  const broken = good('rid-bad').replace('<name>Room</name>', '<name>Room')
  const mismatched = good('rid-x').replace('</state>', '</stat>')
  const inputs = [good('a'), broken, good('b'), mismatched, good('c')]
  const parsed = parseRecordings(inputs)
  t.same(parsed, inputs.map(parseRecording), 'the same result as parsing each alone')
  t.same(parsed.map((p) => (p.ok ? p.recording.recordId : 'invalid')), ['a', 'invalid', 'b', 'rid-x', 'c'], 'the parser is lenient: a bad closing tag alone is tolerated')
  t.same(parseRecordings([good('a'), good('b')]).map((p) => p.ok && p.recording.metadata['bbb-context']), ['C', 'C'])
})

t.test('envelope faults: HTML, truncated, not BBB', async (t) => {
  t.throws(() => parseEnvelope('<html><head><title>404 Not Found</title></head><body>nginx</body></html>'), { fault: 'html', message: /HTML page instead of XML: "404 Not Found"/ })
  t.throws(() => parseEnvelope('<response><returncode>SUCCESS</returncode><recordings>'), { name: 'BbbReplyError', message: /not well-formed XML \(truncated\?\)/ })
  t.throws(() => parseEnvelope(''), { fault: 'truncated', message: /empty/ })
  t.throws(() => parseEnvelope('<feed><entry/></feed>'), { fault: 'invalid', message: /no <response>/ })
  t.same(parseEnvelope('<response><returncode>SUCCESS</returncode><recordings></recordings><totalElements>250</totalElements></response>').totalElements, 250)
})
