import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { convertPlayback } from '../../src/convert/converter.ts'
import { writeSyntheticPresentation } from '../../src/demo/synthetic-presentation.ts'
import { countNear, frameAt, near } from '../helpers/media.ts'
import { playbackHost } from '../helpers/playback.ts'

// The whiteboards of BBB 2.7 (tldraw 1) and 3.0 (tldraw 2), as bbb-playback draws them. The
// fixtures (test/fixtures/tldraw/) hold the records each tldraw version stores, in the layout of
// BBB's presentation.rb tldraw.json; the expected colours and sizes below are the constants of
// @tldraw/tldraw 1.29.2 (src/state/shapes/shared/shape-styles.ts) and @bigbluebutton/tldraw
// 2.0.0-alpha.25 (tlschema styles/TLColorStyle.ts, shapes/shared/default-shape-constants.ts).
// A 1600×900 slide sits on a 1440×810 page (0.9 page units per slide pixel, bbb-playback
// components/tldraw*/); the 1280×720 video shows the slide at 0.8, so a page unit is 0.889 px.
const host = await playbackHost(t)
const out = mkdtempSync(path.join(os.tmpdir(), 'bbb-tldraw-'))
t.teardown(() => rmSync(out, { recursive: true, force: true }))
const fixture = (name: string) => path.resolve('test/fixtures/tldraw', name)
type Rgb = [number, number, number]

async function convert(id: string, tldraw: string | object, extra: (dir: string) => void = () => {}) {
  const recordId = `${id.padEnd(40, '0').slice(0, 40)}-1700000000000`
  const dir = await writeSyntheticPresentation(host.root, { recordId, durationS: 8, slides: [{ colour: '#ffffff', in: 0, out: 8, format: 'svg' }] })
  if (typeof tldraw === 'string') copyFileSync(fixture(tldraw), path.join(dir, 'tldraw.json'))
  else writeFileSync(path.join(dir, 'tldraw.json'), JSON.stringify(tldraw))
  extra(dir)
  const warnings: string[] = []
  const file = path.join(out, `${id}.mp4`)
  await convertPlayback(`${host.url}playback/presentation/2.3/${recordId}`, file, { log: { warn: (m: string) => warnings.push(m) } })
  return { frame: await frameAt(file, 6), warnings, file }
}

/** Page units to video pixels (tldraw 2 puts the slide at page (1, 1)). */
const at = (x: number, y: number, offset = 0): [number, number] => [Math.round(((x - offset) / 0.9) * 0.8), Math.round(((y - offset) / 0.9) * 0.8)]
/** White under a colour at an opacity. */
const over = (rgb: Rgb, alpha: number): Rgb => rgb.map((c) => Math.round(255 * (1 - alpha) + c * alpha)) as Rgb

/** The run of pixels near a colour along a column, in video pixels. */
function thickness(frame: (x: number, y: number) => Rgb, x: number, y0: number, y1: number, rgb: Rgb) {
  let n = 0
  for (let y = y0; y < y1; y++) if (near(frame(x, y), rgb, 60)) n++
  return n
}

t.test('BBB 2.7 (tldraw 1): its palette, pencil width, fills, fonts and sizes', async (t) => {
  const { frame, warnings } = await convert('tldraw1', 'v1-bbb27.json')
  t.same(warnings, [], 'every kind drawn')
  const red: Rgb = [0xff, 0x21, 0x33]
  // The wave's lowest point is at page (147, 160), where the stroke runs level.
  t.ok(near(frame(...at(147, 160)), red, 40), 'the pencil is tldraw 1 red #ff2133, not tldraw 2 red #e03131')
  // perfect-freehand at size 1 + 1.5 × 3.5 = 6.25 (its radius reaches size × easing(0.5 + thinning / 2)
  // for a slow stroke), plus a 1.75 outline: 8 to 12 page units, where a flat 3.5-unit line was 3 px.
  const width = thickness(frame, at(147, 0)[0], at(0, 130)[1], at(0, 190)[1], red)
  t.ok(width >= 6 && width <= 11, `the pencil is ${width} px thick`)
  t.ok(near(frame(...at(600, 150)), [0xd2, 0xe4, 0xf4], 12), 'a filled rectangle is the pale fill (82% towards #fafafa), the slide still readable')
  t.ok(near(frame(...at(870, 150)), [0xd7, 0xed, 0xdb], 12), 'the ellipse, drawn from its radius, pale green inside')
  t.ok(countNear(frame, { x: [at(780, 0)[0] - 4, at(780, 0)[0] + 8], y: [at(0, 140)[1], at(0, 160)[1]] }, [0x36, 0xb2, 0x4d], 50) > 2, 'its outline green #36b24d')
  t.ok(countNear(frame, { x: [at(1130, 0)[0], at(1150, 0)[0]], y: [at(0, 208)[1], at(0, 226)[1]] }, [0x77, 0x46, 0xf1], 50) > 4, 'the triangle violet #7746f1')
  t.ok(countNear(frame, { x: [at(860, 0)[0], at(1100, 0)[0]], y: [at(0, 322)[1], at(0, 338)[1]] }, [0x0e, 0x98, 0xad], 60) > 6, 'a line (an arrow without heads) in dots of cyan #0e98ad')
  // Script text at 48 (tldraw 2's 24 before): two lines of "Bonjour / le monde", about 90 units high.
  const indigo: Rgb = [0x42, 0x63, 0xeb]
  const rows = Array.from({ length: 140 }, (_, i) => at(0, 440 + i)[1]).filter((y) => countNear(frame, { x: [at(100, 0)[0], at(300, 0)[0]], y: [y, y + 1] },
    indigo, 60) > 0)
  const height = rows.length ? (rows.at(-1)! - rows[0]!) / 0.889 : 0
  t.ok(height > 75 && height < 110, `the text is ${height.toFixed(0)} page units high`)
  t.ok(near(frame(...at(1100, 600)), [0xfd, 0xdf, 0x8e], 12), 'the sticky note #fddf8e (yellow, 45% towards #fafafa)')
})

t.test('BBB 3.0 (tldraw 2): its palette, fills, geo kinds, highlighter, bound arrow, wrapped text, note', async (t) => {
  const { frame, warnings } = await convert('tldraw2', 'v2-bbb30.json')
  t.same(warnings, [], 'every kind drawn')
  const p = (x: number, y: number) => frame(...at(x, y, 1))
  t.ok(near(p(147, 160), [0xe0, 0x31, 0x31], 40), 'the pencil is tldraw 2 red #e03131')
  const width = thickness(frame, at(147, 0, 1)[0], at(0, 130, 1)[1], at(0, 190, 1)[1], [0xe0, 0x31, 0x31])
  t.ok(width >= 3 && width <= 8, `its width from perfect-freehand at size 1 + 3.5 (${width} px)`)
  t.ok(near(p(250, 200), over([0xfd, 0xdd, 0x00], 0.35), 14), 'the highlighter: #fddd00 at 35%')
  t.ok(near(p(540, 100), [0xdc, 0xe1, 0xf8], 12), 'a solid fill is the pale semi #dce1f8, not the blue of the stroke')
  t.ok(countNear(frame, { x: [at(496, 0, 1)[0], at(504, 0, 1)[0]], y: [at(0, 120, 1)[1], at(0, 150, 1)[1]] }, [0x42, 0x63, 0xeb], 50) > 4, 'its outline blue #4263eb')
  t.ok(countNear(frame, { x: [at(940, 0, 1)[0], at(1020, 0, 1)[0]], y: [at(0, 110, 1)[1], at(0, 170, 1)[1]] }, [0xbd, 0x63, 0xd3], 60) > 10, 'a cloud, hatched in violet #bd63d3 (pattern fill)')
  t.ok(near(p(170, 355), [0xdd, 0xed, 0xfa], 12), 'a hexagon, solid light-blue semi #ddedfa')
  t.ok(near(p(360, 355), [0xdb, 0xf0, 0xe0], 12), 'an arrow-right geo, light-green semi #dbf0e0')
  // The arrow bound to the diamond stops 10 + 1.75 + 1.75 units before its left corner (x 900).
  t.ok(near(p(870, 355), [0x1d, 0x1d, 0x1d], 60), 'the bound arrow reaches towards the diamond')
  t.notOk(near(p(895, 355), [0x1d, 0x1d, 0x1d], 60), 'and stops short of its outline')
  t.ok(countNear(frame, { x: [at(790, 0, 1)[0], at(830, 0, 1)[0]], y: [at(0, 345, 1)[1], at(0, 365, 1)[1]] }, [0x1d, 0x1d, 0x1d], 60) > 4, 'its label "vers"')
  t.ok(near(p(900, 600), over([0x4d, 0xab, 0xf7], 1).map((c, i) => Math.round(c * 0.72 + [249, 250, 251][i]! * 0.28)) as Rgb, 14), 'the note: light-blue under the 28% scrim')
  // Fixed-width text aligned right: both lines end at x 450 + 220.
  const ink = (y0: number, y1: number) => {
    let right = 0
    for (let x = at(450, 0, 1)[0]; x < at(700, 0, 1)[0]; x++) if (countNear(frame, { x: [x, x + 1], y: [at(0, y0, 1)[1], at(0, y1, 1)[1]] }, [0x1d, 0x1d, 0x1d],
      90)) right = x
    return right
  }
  const [first, second] = [ink(505, 530), ink(540, 565)]
  t.ok(Math.abs(first - second) <= 3 && Math.abs(first - at(670, 0, 1)[0]) <= 6, `wrapped at 220, both lines end at the right edge (${first}, ${second})`)
})

t.test('a tldraw.json without bbb_version is tldraw 1 on the 2048×1536 page, as the player assumes', async (t) => {
  const rect = { id: 'r', type: 'rectangle', point: [1024, 576], size: [200, 100], rotation: 0, style: { color: 'red', size: 'small', dash: 'solid', isFilled: true } }
  const { frame } = await convert('noversion', { 1: { timestamp: 0, shapes: [{ id: 1, timestamp: 1, undo: -1, shape_data: rect }] } })
  // 2048 / 1600 = 1.28 page units per slide pixel: (1024, 576) is the slide's middle.
  t.ok(near(frame(660, 380), [0xfb, 0xd3, 0xd6], 14), 'the filled rectangle starts at the middle of the slide')
  t.notOk(near(frame(630, 350), [0xfb, 0xd3, 0xd6], 14), 'and not 1.42× off')
})

t.test('versions of one shape share its tldraw id: only the newest shows; undo hides it', async (t) => {
  const base = { id: 'shape:moved', type: 'geo', x: 100, y: 100, rotation: 0, props: { geo: 'rectangle', w: 200, h: 100, color: 'blue', fill: 'solid', dash: 'solid', size: 'm' } }
  const shapes = [
    { id: 1, timestamp: 1, undo: -1, shape_data: base },
    { id: 2, timestamp: 2, undo: -1, shape_data: { ...base, x: 800 } },
    { id: 3, timestamp: 1, undo: 4, shape_data: { ...base, id: 'shape:gone', y: 500 } },
  ]
  const { frame } = await convert('versions', { bbb_version: '3.0.4', 1: { timestamp: 0, shapes } })
  const semi: Rgb = [0xdc, 0xe1, 0xf8]
  t.notOk(near(frame(...at(200, 150, 1)), semi, 12), 'the first version is gone')
  t.ok(near(frame(...at(900, 150, 1)), semi, 12), 'the moved one shows')
  t.notOk(near(frame(...at(200, 550, 1)), semi, 12), 'undone at 4 s')
})
