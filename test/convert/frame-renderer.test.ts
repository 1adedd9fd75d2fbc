import { readFileSync } from 'node:fs'
import t from 'tap'
import { frameSchedule } from '../../src/convert/feed.ts'
import { FrameRenderer } from '../../src/convert/frame-renderer.ts'
import type { Presentation } from '../../src/convert/presentation.ts'
import { buildTimeline } from '../../src/convert/timeline.ts'
import { parseTldraw } from '../../src/convert/tldraw/index.ts'

t.test('frame after frame, redrawing only what a new stroke version changed gives the picture a full drawing gives', async (t) => {
  const slides = [{ id: 'image1', in: 0, out: 60, href: 'slide.png', width: 1600, height: 900 }]
  const doc = JSON.parse(readFileSync('test/fixtures/tldraw/v1-bbb27.json', 'utf8'))
  // A stroke drawn over two seconds, as BBB 2.7 stores it: three growing versions of one shape.
  const stroke = doc['1'].shapes[0].shape_data
  doc['1'].shapes.push(...[10, 25, 50].map((n, i) => ({ id: 100 + i, timestamp: 20 + i, undo: i === 2 ? 40 : -1, shape_data: { ...stroke, id: 'growing', point: [300, 600], points: stroke.points.slice(0, n) } })))
  const { ink, bbbVersion } = parseTldraw(JSON.stringify(doc), slides, () => {})
  const p: Presentation = { recordId: 'r', name: '', durationS: 60, slides, ink, panzooms: [{ t: 30, viewBox: [-200, -100, 800, 450] }], cursor: [], deskshare: [], tldraw: true, bbbVersion, chat: [], polls: [] }
  const frames = buildTimeline(p, { from: 0, to: 60, cursor: false, annotations: true, minFrameGap: 0.1 })
  t.ok(frames.length > 15, `${frames.length} frames`)
  const area = { width: 640, height: 360 }
  const load = async () => null
  const following = new FrameRenderer(p, area, load, () => {})
  let differing = 0
  for (const frame of frames) {
    const step = await following.base(frame)
    const fresh = await new FrameRenderer(p, area, load, () => {}).base(frame)
    if (!step.equals(fresh)) differing++
  }
  t.equal(differing, 0, 'every frame identical')
})

t.test('a steady frame rate only while a moving picture shows; a still slide is one frame', async (t) => {
  const frame = (at: number) => ({ t: at, slide: 0, viewBox: [0, 0, 1, 1] as [number, number, number, number], ink: [], baseKey: String(at), cursor: null, panel: 0 })
  const schedule = frameSchedule([frame(0), frame(4)], 10, [{ start: 2, stop: 3 }], 5)
  t.same(schedule.map((e) => [e.t, e.frame.t]), [[0, 0], [2, 0], [2.2, 0], [2.4, 0], [2.6, 0], [2.8, 0], [3.001, 0], [4, 4], [9.9, 4]], 'five a second from 2 to 3 s, then one as it ends; the picture of the time')
})
