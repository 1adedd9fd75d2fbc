import { readFileSync } from 'node:fs'
import t from 'tap'
import { silentLogger } from '../../src/log.ts'
import { frameSchedule } from '../../src/convert/feed.ts'
import { FrameRenderer } from '../../src/convert/frame-renderer.ts'
import type { Presentation } from '../../src/convert/presentation.ts'
import { buildTimeline } from '../../src/convert/timeline.ts'
import { parseTldraw } from '../../src/convert/tldraw/index.ts'

/** A 2.7 whiteboard whose ink changes on top and under the top shape, over 60 s. */
function changingInk(): Presentation {
  const slides = [{ id: 'image1', in: 0, out: 60, href: 'slide.png', width: 1600, height: 900 }]
  const doc = JSON.parse(readFileSync('test/fixtures/tldraw/v1-bbb27.json', 'utf8'))
  // A stroke drawn over two seconds, as BBB 2.7 stores it: three growing versions of one shape.
  const stroke = doc['1'].shapes[0].shape_data
  doc['1'].shapes.push(...[10, 25, 50].map((n, i) => ({ id: 100 + i, timestamp: 20 + i, undo: i === 2 ? 40 : -1, shape_data: { ...stroke, id: 'growing', point: [300, 600], points: stroke.points.slice(0, n) } })))
  // Changes under the top shape, as when two people draw or a text is edited: another stroke
  // comes on top while the first still grows, then the first shape of all moves, the sticky
  // note's text changes, a text moves, the crossing stroke is undone.
  const [, , , , , , , , text, , sticky] = doc['1'].shapes.map((s: { shape_data: object }) => s.shape_data)
  doc['1'].shapes.push({ id: 110, timestamp: 20.5, undo: 50, shape_data: { ...stroke, id: 'crossing', point: [250, 580], points: stroke.points.slice(0, 40) } },
    { id: 111, timestamp: 44, undo: -1, shape_data: { ...stroke, point: [180, 160] } },
    { id: 112, timestamp: 46, undo: -1, shape_data: { ...sticky, text: 'Plus tard' } },
    { id: 113, timestamp: 47, undo: -1, shape_data: { ...text, point: [140, 480] } })
  const { ink, bbbVersion } = parseTldraw(JSON.stringify(doc), slides, silentLogger)
  return { recordId: 'r', name: '', durationS: 60, slides, ink, panzooms: [{ t: 30, viewBox: [-200, -100, 800, 450] }], cursor: [], deskshare: [], tldraw: true, bbbVersion, chat: [], polls: [] }
}

t.test('frame after frame, redrawing only what changed, on top or under it, gives the picture a full drawing gives', async (t) => {
  const p = changingInk()
  const frames = buildTimeline(p, { from: 0, to: 60, cursor: false, annotations: true, minFrameGap: 0.1 })
  t.ok(frames.length > 15, `${frames.length} frames`)
  const area = { width: 640, height: 360, columnWidth: 160 }
  const load = async () => null
  const following = new FrameRenderer(p, area, load, silentLogger)
  let differing = 0
  for (const frame of frames) {
    const step = await following.base(frame)
    const fresh = await new FrameRenderer(p, area, load, silentLogger).base(frame)
    if (!step.equals(fresh)) differing++
  }
  t.equal(differing, 0, 'every frame identical')
})

t.test('beside the cameras, frames are drawn into a few buffers used again, each still the picture a full drawing gives', async (t) => {
  // An hour of camera means thousands of frames, too many for a new 1.4 MB buffer each.
  const p = changingInk()
  const frames = buildTimeline(p, { from: 0, to: 60, cursor: false, annotations: true, minFrameGap: 0.1, columnOn: [{ start: 0, stop: 60 }] })
  const area = { width: 640, height: 360, columnWidth: 160 }
  const following = new FrameRenderer(p, area, async () => null, silentLogger)
  const buffers = new Set<Buffer>()
  // The last pictures returned, with a copy of each: a buffer used again too early changes one.
  const recent: Array<[Buffer, Buffer]> = []
  let differing = 0, overwritten = 0
  for (const frame of frames) {
    const step = await following.base(frame)
    buffers.add(step)
    const fresh = await new FrameRenderer(p, area, async () => null, silentLogger).base(frame)
    if (!step.equals(fresh)) differing++
    overwritten += recent.filter(([picture, copy]) => !picture.equals(copy)).length
    recent.push([step, Buffer.from(step)])
    if (recent.length > 5) recent.shift()
  }
  t.equal(differing, 0, 'every frame identical')
  t.equal(overwritten, 0, 'no picture overwritten while one of the last five')
  t.ok(frames.length > 15 && buffers.size < frames.length / 2, `${frames.length} frames in ${buffers.size} buffers`)
})

t.test('while the cameras show, the content shrinks to leave them the column; full width otherwise', async (t) => {
  const slides = [{ id: 'image1', in: 0, out: 10, href: 'slide.png', width: 1600, height: 900 }]
  const p: Presentation = { recordId: 'r', name: '', durationS: 10, slides, ink: [], panzooms: [], cursor: [], deskshare: [], tldraw: false, chat: [], polls: [] }
  const frames = buildTimeline(p, { from: 0, to: 10, cursor: false, annotations: true, minFrameGap: 0.1, columnOn: [{ start: 4, stop: 6 }] })
  t.same(frames.map((f) => [f.t, f.column]), [[0, false], [4, true], [6, false]])
  const renderer = new FrameRenderer(p, { width: 640, height: 360, columnWidth: 160 }, async () => null, silentLogger)
  const y = (picture: Buffer, x: number, row: number) => picture[row * 640 + x]!
  const [before, during] = [await renderer.base(frames[0]!), await renderer.base(frames[1]!)]
  t.equal(y(before, 600, 180), 235, 'full width: the (white) slide reaches the right edge')
  t.equal(y(during, 600, 180), 16, 'the column is black, for ffmpeg to lay the cameras there')
  t.equal(y(during, 240, 180), 235, 'the slide in the 480 px left of it')
  t.equal(y(during, 240, 10), 16, 'letterboxed: 480 × 270')
  t.same(frameSchedule(frames, 10).map((e) => e.t), [0, 4, 6, 9.9], 'one frame per change, the last again before the end')
})
