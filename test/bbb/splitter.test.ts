import t from 'tap'
import { RecordingsSplitter } from '../../src/bbb/recordings-splitter.ts'

function split(xml: string, step: number) {
  const s = new RecordingsSplitter()
  const out: string[] = []
  for (let i = 0; i < xml.length; i += step) out.push(...s.push(xml.slice(i, i + step)))
  return { recordings: out, envelope: s.end() }
}

const reply = `<?xml version="1.0"?><response><returncode>SUCCESS</returncode><recordings>
<recording><recordID>a</recordID><metadata><note><![CDATA[tricky </recording> <recording> ]]></note><!-- </recording> --></metadata><playback><format><preview><images><image alt="a > b">u</image></images></preview></format></playback></recording>
<recording ><recordID>b</recordID><breakoutRooms><breakoutRoom>x</breakoutRoom></breakoutRooms></recording>
</recordings><totalElements>2</totalElements></response>`

t.test('cuts recordings the same way at every chunk size', async (t) => {
  const whole = split(reply, reply.length)
  t.equal(whole.recordings.length, 2)
  t.match(whole.recordings[0], /CDATA\[tricky <\/recording> <recording> \]\]>/)
  t.match(whole.recordings[1], /^<recording ><recordID>b<\/recordID>/)
  t.equal(whole.envelope.replace(/\s/g, ''), '<?xmlversion="1.0"?><response><returncode>SUCCESS</returncode><recordings></recordings><totalElements>2</totalElements></response>')
  for (const step of [1, 2, 3, 7, 11, 64]) t.same(split(reply, step), whole, `chunks of ${step}`)
})

t.test('refuses any DTD or entity declaration, expanding nothing', async (t) => {
  const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><response><returncode>SUCCESS</returncode><recordings><recording><recordID>&lol2;</recordID></recording></recordings></response>'
  t.throws(() => split(bomb, 5), { fault: 'refused', message: /DTD or entity declaration/ })
  const inside = '<response><recordings><recording><recordID>x</recordID><!ENTITY a "b"></recording></recordings></response>'
  t.throws(() => split(inside, 4), { name: 'BbbReplyError', message: /DTD or entity/ })
})

t.test('a reply cut inside a recording is reported as truncated', async (t) => {
  t.throws(() => split(reply.slice(0, 200), 16), { fault: 'truncated', message: /truncated/ })
})

t.test('an HTML page with a doctype is named as such', async (t) => {
  t.throws(() => split('<!DOCTYPE html><html><head><title>504 Gateway Time-out</title></head></html>', 10), { message: /contains an HTML page/ })
})
