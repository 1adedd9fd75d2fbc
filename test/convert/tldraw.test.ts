import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { convertPlayback } from '../../src/convert/converter.ts'
import { writeSyntheticPresentation } from '../../src/demo/synthetic-presentation.ts'
import { checkPixels, countNear, frameAt } from '../helpers/media.ts'
import { playbackHost } from '../helpers/playback.ts'

// No public BBB 2.6+/3.0 recording exists to copy: these files follow the format bbb-playback
// reads (tldraw.json pages keyed by slide number, shapes with timestamp/undo/shape_data, camera
// offsets in panzooms.xml, page coordinates in cursor.xml).
const host = await playbackHost(t)
const out = mkdtempSync(path.join(os.tmpdir(), 'bbb-tldraw-'))
t.teardown(() => rmSync(out, { recursive: true, force: true }))

async function recording(id: string, tldraw: object, extra: (dir: string) => void = () => {}) {
  const dir = await writeSyntheticPresentation(host.root, { recordId: id, durationS: 8, slides: [{ colour: '#ffffff', in: 0, out: 8, format: 'svg' }] })
  writeFileSync(path.join(dir, 'tldraw.json'), JSON.stringify(tldraw))
  extra(dir)
  return `${host.url}playback/presentation/2.3/${id}`
}

t.test('BBB 3.0 (tldraw v2): shapes, camera zoom and cursor in page coordinates', async (t) => {
  // 1600×900 slide on a 1440×1080 page: 0.9 page units per slide pixel.
  const shapes = [
    { id: 'shape:a', timestamp: 1, undo: -1, shape_data: { id: 'shape:a', type: 'geo', x: 90, y: 90, rotation: 0, props: { geo: 'rectangle', w: 270, h: 180, color: 'red', fill: 'solid', size: 'm', text: '' } } },
    { id: 'shape:b', timestamp: 2, undo: -1, shape_data: { id: 'shape:b', type: 'geo', x: 855, y: 495, rotation: 0, props: { geo: 'ellipse', w: 90, h: 90, color: 'blue', fill: 'solid', size: 'm' } } },
    { id: 'shape:c', timestamp: 2, undo: -1, shape_data: { id: 'shape:c', type: 'draw', x: 0, y: 0, rotation: 0, props: { color: 'black', size: 'l', segments: [{ type: 'free', points: [{ x: 900, y: 90, z: 0.5 }, { x: 1300, y: 90, z: 0.5 }] }] } } },
    { id: 'shape:d', timestamp: 2, undo: -1, shape_data: { id: 'shape:d', type: 'frame', x: 0, y: 0, props: {} } },
    // A sticky note (200 page units square) and an arrow, from 3 s.
    { id: 'shape:e', timestamp: 3, undo: -1, shape_data: { id: 'shape:e', type: 'note', x: 90, y: 540, rotation: 0, props: { color: 'yellow', size: 'm', text: 'Note' } } },
    { id: 'shape:f', timestamp: 3, undo: -1, shape_data: { id: 'shape:f', type: 'arrow', x: 450, y: 700, rotation: 0, props: { color: 'green', size: 'xl', start: { x: 0, y: 0 }, end: { x: 270, y: 0 } } } },
  ]
  const warnings: string[] = []
  const url = await recording('tldraw-v2-0000000000000000000000000000000000000-1700000000000', { bbb_version: '3.0.4', 1: { timestamp: 0, shapes } }, (dir) => {
    writeFileSync(path.join(dir, 'panzooms.xml'), '<?xml version="1.0"?>\n<recording id="panzoom_events" tldraw="true">\n  <event timestamp="0.0"><viewBox>0 0 1600 900</viewBox></event>\n  <event timestamp="4.0"><viewBox>-720 -405 800 450</viewBox></event>\n</recording>\n')
    writeFileSync(path.join(dir, 'cursor.xml'), '<?xml version="1.0"?>\n<recording id="cursor_events" tldraw="true">\n  <event timestamp="0.0"><cursor>-1 -1</cursor></event>\n  <event timestamp="6.0"><cursor>1080 607.5</cursor></event>\n</recording>\n')
  })
  const file = path.join(out, 'v2.mp4')
  await convertPlayback(url, file, { warn: (m) => warnings.push(m) })
  await checkPixels(t, file, [
    { at: 1.5, x: 200, y: 160, rgb: [224, 49, 49], says: 'red rectangle at slide (100,100)-(400,300)' },
    { at: 1.5, x: 760, y: 80, rgb: [255, 255, 255], says: 'the stroke is not there yet' },
    { at: 3, x: 800, y: 480, rgb: [68, 101, 233], says: 'blue disc at slide (1000,600)' },
    { at: 3, x: 1000, y: 80, rgb: [29, 29, 29], tolerance: 60, says: 'freehand stroke' },
    { at: 3.5, x: 150, y: 560, rgb: [242, 180, 93], says: 'yellow sticky note at slide (100,600), 222 px square' },
    { at: 3.5, x: 500, y: 622, rgb: [9, 146, 104], says: 'green arrow from slide (500,778) to (800,778)' },
    { at: 5, x: 320, y: 240, rgb: [68, 101, 233], says: "camera moved to the bottom-right quarter: the disc is at the view's (320,240)" },
    { at: 5, x: 640, y: 360, rgb: [255, 0, 0], tolerance: 60, not: true, says: 'no cursor yet' },
    { at: 7, x: 640, y: 360, rgb: [255, 0, 0], tolerance: 60, says: 'cursor at page (1080, 607.5) = the middle of the view' },
  ])
  t.ok(warnings.some((w) => /kind "frame" are not drawn/.test(w)), 'unknown kinds are reported')
})

t.test('BBB 2.6 (tldraw v1): shapes on the 2048×1536 page', async (t) => {
  const shapes = [
    { id: 'r1', timestamp: 1, undo: 5, shape_data: { id: 'r1', type: 'rectangle', point: [128, 128], size: [384, 256], rotation: 0, style: { color: 'green', size: 'small', isFilled: true, dash: 'draw', scale: 1 } } },
    { id: 't1', timestamp: 2, undo: -1, shape_data: { id: 't1', type: 'text', point: [1100, 800], text: 'Bonjour', style: { color: 'black', size: 'large', scale: 1 } } },
  ]
  const url = await recording('tldraw-v1-0000000000000000000000000000000000000-1700000000000', { bbb_version: '2.6.0', 1: { timestamp: 0, shapes } })
  const file = path.join(out, 'v1.mp4')
  await convertPlayback(url, file)
  await checkPixels(t, file, [
    { at: 3, x: 200, y: 160, rgb: [9, 146, 104], says: 'green rectangle at slide (100,100)-(400,300) (1.28 page units per pixel)' },
    { at: 6, x: 200, y: 160, rgb: [255, 255, 255], says: 'undone at 5 s' },
  ])
  const dark = countNear(await frameAt(file, 6), { x: [680, 900], y: [500, 560] }, [29, 29, 29])
  t.ok(dark > 20, `text drawn (${dark} dark samples)`)
})
