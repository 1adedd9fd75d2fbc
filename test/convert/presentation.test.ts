import { readFileSync } from 'node:fs'
import t from 'tap'
import { parseCaptions, parseCursor, parseDeskshare, parseMetadata, parsePanzooms, parseShapes } from '../../src/convert/presentation.ts'
import { buildTimeline } from '../../src/convert/timeline.ts'

const fixture = (name: string) => readFileSync(new URL(`../fixtures/bbb/${name}`, import.meta.url), 'utf8')

t.test('real BBB 2.2 files (bbb-video-download test assets)', async (t) => {
  t.same(parseMetadata(fixture('presentation-bbb22-metadata.xml')), { recordId: '9a9b6536a10b10017f7e849d30a026809852d01f-1598364581253', name: 'Featuredemo', durationS: 9.566 })
  const { slides, ink } = parseShapes(fixture('presentation-bbb22-shapes.svg'))
  t.equal(slides.length, 4)
  t.match(slides[0], { id: 'image1', in: 0, out: 6.2, width: 1600, height: 900, href: /^presentation\/f317f2ac[0-9a-f]+-\d+\/slide-1\.png$/ })
  t.equal(ink.length, 83, 'every shape version')
  const text = ink.find((v) => v.shape === 'image2-text8' && v.svg.includes('<text'))!
  t.match(text.svg, /<text x="579.37505" y="304.73681" font-size="39.04555" font-family="Arial, DejaVu Sans, sans-serif" fill="#ff0000"[^>]*><tspan[^>]*>H<\/tspan><\/text>/)
  t.notOk(ink.some((v) => /visibility:hidden|foreignObject/.test(v.svg)), 'made visible, foreignObject turned into SVG text')
  t.ok(ink.every((v) => v.timestamp >= 0), 'timestamps parsed')
  const { panzooms, tldraw } = parsePanzooms(fixture('presentation-bbb22-panzooms.xml'))
  t.equal(tldraw, false)
  t.same(panzooms[0], { t: 0, viewBox: [-0, -0, 1600, 900] })
  t.same(panzooms[2], { t: 151.4, viewBox: [774.10664, 316.39116, 533.33333, 300] })
  const cursor = parseCursor(fixture('presentation-bbb22-cursor.xml'))
  t.same(cursor.slice(0, 2), [{ t: 0, x: -1, y: -1 }, { t: 1, x: 0.45606, y: 0.42537 }])
  t.same(parseDeskshare(fixture('presentation-deskshare-synthetic.xml')), [{ start: 10, stop: 20, width: 720, height: 421 }, { start: 30, stop: 40, width: 720, height: 421 }])
  t.same(parseCaptions(fixture('presentation-captions.json')), [{ locale: 'de', name: 'Deutsch' }, { locale: 'en', name: 'English' }])
  t.same(parseShapes(fixture('presentation-shapes-logo-only.svg')).slides.map((s) => [s.href, s.width, s.height]), [['presentation/logo.png', 1600, 1200]])
})

t.test('the timeline keeps the newest version of each stroke, honours undo and hides the cursor at -1', async (t) => {
  const { slides, ink } = parseShapes(fixture('presentation-bbb22-shapes.svg'))
  const p = { recordId: 'r', name: '', durationS: 60, slides, ink, panzooms: [], tldraw: false, cursor: parseCursor(fixture('presentation-bbb22-cursor.xml')), deskshare: [], chat: [], polls: [] }
  const frames = buildTimeline(p, { from: 0, to: 60, cursor: true, annotations: true, minFrameGap: 0.1 })
  const at = (s: number) => frames.filter((f) => f.t <= s).at(-1)!
  t.equal(at(0.5).cursor, null, '-1 -1 is hidden')
  t.same(at(1.05).cursor, { x: 0.45606, y: 0.42537 })
  const pencil = at(55.05).ink.map((i) => ink[i]!).filter((v) => v.shape === 'image2-pencil13')
  t.equal(pencil.length, 1, 'one version per shape')
  t.equal(pencil[0]!.timestamp, 55, 'the newest one at that time')
  t.ok(frames.every((f, i) => i === 0 || f.t - frames[i - 1]!.t >= 0.099), 'never two frames closer than BBB resolution')
  t.ok(frames.every((f, i) => i === 0 || f.baseKey !== frames[i - 1]!.baseKey || JSON.stringify(f.cursor) !== JSON.stringify(frames[i - 1]!.cursor)), 'a frame only where the picture changes')
  const undo = buildTimeline({ ...p, cursor: [], ink: [{ slideId: 'image1', shape: 's', timestamp: 1, undo: 3, svg: '<g/>', images: [] }] }, { from: 0, to: 6, cursor: false, annotations: true, minFrameGap: 0.1 })
  t.same(undo.map((f) => [f.t, f.ink]), [[0, []], [1, [0]], [3, []]])
})

t.test('a slide shown several times lists its times (BBB 2.3+)', async (t) => {
  const { slides } = parseShapes('<svg><image class="slide" id="image2" in="0.0 50.3" out="20.1 70.5" xlink:href="presentation/p/slide-2.png" width="1600" height="900"/></svg>')
  t.same(slides.map((s) => [s.id, s.in, s.out]), [['image2', 0, 20.1], ['image2', 50.3, 70.5]])
})

t.test('bad files give clear errors', async (t) => {
  t.throws(() => parseMetadata('<html><body>502 Bad Gateway</body></html>'), /no playback duration/)
  t.throws(() => parseMetadata('not xml at all'), /metadata.xml is not XML/)
  t.throws(() => parseShapes('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaa">]><svg>&a;</svg>'), /declares entities; refused/)
  t.throws(() => parseShapes('<svg><image class="slide"'), /shapes.svg is malformed/)
  t.throws(() => parseCursor('<recording id="panzoom_events"></recording>'), /not a cursor_events file/)
  t.throws(() => parseCaptions('[{'), /captions.json is malformed/)
  t.same(parseCaptions('[{"locale":"../../etc/passwd"},{"locale":"fr","localeName":"Français"}]'), [{ locale: 'fr', name: 'Français' }], 'hostile locales are dropped')
})

t.test('character references in text ink and names are decoded once, then escaped for SVG', async (t) => {
  const svg = `<svg><image class="slide" id="image1" in="0" out="10" xlink:href="presentation/p/slide-1.png" width="1600" height="900"/>
<g class="canvas" image="image1"><g class="shape" shape="t1" timestamp="1" undo="-1" style="color:#000000;font-size:20px"><switch><foreignObject x="0" y="0" width="400" height="50"><p xmlns="http://www.w3.org/1999/xhtml">Caf&#233; &amp; th&#xe9; &lt;3</p></foreignObject></switch></g></g></svg>`
  t.match(parseShapes(svg).ink[0]!.svg, />Café &amp; thé &lt;3<\/tspan>/)
  t.equal(parseMetadata('<recording><id>r</id><meeting name="R&#233;union"/><playback><duration>1000</duration></playback></recording>').name, 'Réunion')
})

t.test('annotations are re-serialised from an allow-list', async (t) => {
  const svg = `<svg><image class="slide" id="image1" in="0" out="10" xlink:href="presentation/p/slide-1.png" width="1600" height="900"/>
<g class="canvas" image="image1"><g class="shape" shape="s1" timestamp="1" undo="-1" style="stroke:red">
<script>alert(1)</script><path d="M0 0L10 10" onload="alert(1)"/><image xlink:href="file:///etc/passwd" width="10" height="10"/><a href="https://evil"><path d="M1 1"/></a></g></g></svg>`
  const [version] = parseShapes(svg).ink
  t.notMatch(version!.svg, /script|onload|evil|<a/)
  t.match(version!.svg, /<path d="M0 0L10 10"><\/path><image href="\{\{href:0\}\}"/)
  t.same(version!.images, ['file:///etc/passwd'], 'image hrefs go through the fetcher, which refuses this one')
})

t.test('pre-2.6 text ink wraps where the browser wraps it: by the glyphs\' widths, not a count of characters', async (t) => {
  const text = (words: string) => `<svg><image class="slide" id="image1" in="0" out="10" xlink:href="presentation/p/slide-1.png" width="1600" height="900"/>
<g class="canvas" image="image1"><g class="shape" shape="t1" timestamp="1" undo="-1" style="color:#000000;font-size:20px"><switch><foreignObject x="0" y="0" width="200" height="50"><p xmlns="http://www.w3.org/1999/xhtml">${words}</p></foreignObject></switch></g></g></svg>`
  const lines = (words: string) => (parseShapes(text(words)).ink[0]!.svg.match(/<tspan/g) ?? []).length
  // DejaVu Sans at 20 px: "i" is 5.6 px wide, "W" 19.8 px, a space 6.4 px; the box is 200 px wide.
  t.equal(lines('iii iii iii iii iii iii iii iii'), 1, '31 narrow characters fit in one line (178 px)')
  t.equal(lines('WWW WWW WWW WWW'), 2, '15 wide characters do not (250 px): the fourth word goes down')
})
