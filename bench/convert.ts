// The `convert` benchmark: three synthetic 60-minute recordings rendered by `bbb-portal convert`
// in a child process. Prints media seconds ÷ wall seconds and the peak RSS of the whole
// process tree (node + ffmpeg), median of the runs.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { writeSyntheticPresentation, type PresentationSpec } from '../src/demo/synthetic-presentation.ts'
import { median } from './stats.ts'

const here = path.dirname(new URL(import.meta.url).pathname)
const cache = path.join(here, '.cache', 'convert-v3')
const HOUR = 3600

function slidesSpec(): PresentationSpec {
  const slides = Array.from({ length: 40 }, (_, i) => ({ colour: `#${((i * 2654435761) >>> 8 & 0xffffff).toString(16).padStart(6, '0')}`, in: i * 90, out: (i + 1) * 90 }))
  // 300 strokes, each written in three growing versions as BBB does while the pen moves.
  const ink: NonNullable<PresentationSpec['ink']> = []
  for (let k = 0; k < 300; k++) {
    const t = 5 + k * 12
    const slide = Math.floor(t / 90)
    const x = 100 + (k * 37) % 1300, y = 100 + (k * 53) % 700
    for (let v = 1; v <= 3; v++) {
      ink.push({ slide, t: t + v * 0.3, shape: `pencil${k}`, style: 'stroke:#000000;stroke-linecap:round;stroke-width:6;fill:none', svg: `<path d="M${x} ${y}L${x + 40 * v} ${y + 15 * v}L${x + 80 * v} ${y - 10 * v}"/>` })
    }
  }
  const panzooms: Array<[number, string]> = slides.flatMap((s, i) => (i % 2 ? [[s.in, '0 0 1600 900'], [s.in + 40, '400 225 800 450'], [s.in + 70, '0 0 1600 900']] : [[s.in, '0 0 1600 900']]))
  // The cursor moves a fifth of the time: 12 bursts of 60 s at BBB's 10 events per second.
  const cursor: Array<[number, number, number]> = [[0, -1, -1]]
  for (let burst = 0; burst < 12; burst++) {
    const start = burst * 300 + 20
    for (let i = 0; i < 600; i++) cursor.push([start + i / 10, 0.1 + 0.8 * ((i % 100) / 100), 0.2 + 0.6 * ((i % 37) / 37)])
    cursor.push([start + 60, -1, -1])
  }
  return { recordId: 'bench00000000000000000000000000000000slides-1700000000000', durationS: HOUR, slides, ink, panzooms, cursor, container: 'webm' }
}

function screenshareSpec(): PresentationSpec {
  return {
    recordId: 'bench0000000000000000000000000000000screen-1700000000000', durationS: HOUR, container: 'mp4',
    slides: [{ colour: '#3366cc', in: 0, out: HOUR }], webcam: { fps: 15 }, deskshare: { intervals: [[0, HOUR]], pattern: 'testsrc2', fps: 5 },
  }
}

/**
 * A BBB 2.7 lecture (tldraw 1): 20 SVG slides, 2 000 pencil strokes each stored as BBB stores a
 * stroke drawn over a second (three growing versions), 60 texts, 120 rectangles and ellipses,
 * zooms, the cursor, and a camera on for two stretches (BBB's white filler between).
 */
export function tldrawSpec(): PresentationSpec {
  const slides = Array.from({ length: 20 }, (_, i) => ({ colour: `#${((i * 2654435761) >>> 8 & 0xffffff).toString(16).padStart(6, '0')}`, in: i * 180, out: (i + 1) * 180, format: 'svg' as const }))
  const pages: Record<string, { timestamp: number; shapes: object[] }> = {}
  const put = (t: number, shape: Record<string, unknown>, versions: Array<Record<string, unknown>>) => {
    const slide = Math.floor(t / 180) + 1
    const page = (pages[String(slide)] ??= { timestamp: (slide - 1) * 180, shapes: [] })
    versions.forEach((v, i) => page.shapes.push({ id: page.shapes.length + 1, timestamp: Number((t + i * 0.4).toFixed(1)), undo: -1, shape_data: { ...shape,
      ...v } }))
  }
  const style = (k: number) => ({ color: ['black', 'red', 'blue', 'green'][k % 4], size: ['small', 'medium', 'large'][k % 3], dash: 'draw', isFilled: false, scale: 1 })
  for (let k = 0; k < 2000; k++) {
    const t = 3 + k * 1.78
    const points = Array.from({ length: 40 }, (_, i) => [i * 4, 30 + 25 * Math.sin((i + k) / 4), 0.5])
    const shape = { id: `stroke-${k}`, type: 'draw', parentId: '1', childIndex: k, point: [80 + (k * 37) % 1100, 80 + (k * 53) % 600], rotation: 0, style: style(k), isComplete: false }
    put(t, shape, [{ points: points.slice(0, 14) }, { points: points.slice(0, 28) }, { points, isComplete: true }])
  }
  for (let k = 0; k < 60; k++) {
    put(10 + k * 59, { id: `text-${k}`, type: 'text', parentId: '1', childIndex: 3000 + k, point: [200 + (k * 91) % 900, 120 + (k * 67) % 500], rotation: 0, style: { ...style(k), font: 'script', textAlign: 'start' } }, [{ text: 'Théorème' }, { text: `Théorème ${k} :\nsomme des angles` }])
  }
  for (let k = 0; k < 120; k++) {
    const ellipse = k % 2 === 1
    put(20 + k * 29.5, { id: `geo-${k}`, type: ellipse ? 'ellipse' : 'rectangle', parentId: '1', childIndex: 4000 + k, point: [100 + (k * 113) % 1000, 100 + (k * 71) % 500], rotation: 0, style: { ...style(k), isFilled: k % 3 === 0 }, ...(ellipse ? { radius: [80, 50] } : { size: [160, 100] }) }, [{}])
  }
  const panzooms: Array<[number, string]> = slides.flatMap((s, i) => (i % 3 ? [[s.in, '0 0 1600 900']] : [[s.in, '0 0 1600 900'], [s.in + 60, '-200 -100 800 450'], [s.in + 120, '0 0 1600 900']]))
  const cursor: Array<[number, number, number]> = [[0, -1, -1]]
  for (let burst = 0; burst < 12; burst++) {
    const start = burst * 300 + 30
    for (let i = 0; i < 600; i++) cursor.push([start + i / 10, 200 + (i % 100) * 9, 150 + (i % 37) * 12])
    cursor.push([start + 60, -1, -1])
  }
  return {
    recordId: 'bench000000000000000000000000000000tldraw-1700000000000', durationS: HOUR, slides, panzooms, cursor, container: 'webm',
    webcam: { fps: 15, on: [[600, 1800], [2400, 3000]] }, tldraw: { bbb_version: '2.7.3', ...pages },
  }
}

export async function ensure(spec: PresentationSpec): Promise<string> {
  const dir = path.join(cache, 'presentation', spec.recordId)
  if (existsSync(path.join(dir, 'metadata.xml'))) return dir
  console.error(`generating ${spec.recordId} (once; cached in bench/.cache)…`)
  rmSync(dir, { recursive: true, force: true })
  return writeSyntheticPresentation(cache, spec)
}

/** Summed RSS of a process and its descendants, from /proc. */
function treeRssKb(root: number): number {
  const children = new Map<number, number[]>()
  const rss = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8')
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1])
      rss.set(Number(entry), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0))
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch {}
  }
  const sum = (pid: number): number => (rss.get(pid) ?? 0) + (children.get(pid) ?? []).reduce((s, c) => s + sum(c), 0)
  return sum(root)
}

async function convertOnce(dir: string, output: string): Promise<{ wall: number; peakMB: number; line: string }> {
  const started = performance.now()
  // The converter runs with the worker unit's Node flags; BENCH_NODE_FLAGS tries others ('' for none).
  const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '--heap-growing-percent=50 --max-semi-space-size=2').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...nodeFlags, path.join(here, '..', 'bin', 'bbb-portal.js'), 'convert', dir, output, '--local'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let peak = 0
  const timer = setInterval(() => (peak = Math.max(peak, treeRssKb(child.pid!))), 200)
  let line = ''
  child.stdout.on('data', (d: Buffer) => (line += d))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearInterval(timer)
  if (code !== 0) throw new Error(`convert failed (${code})`)
  return { wall: (performance.now() - started) / 1000, peakMB: peak / 1024, line: line.trim() }
}

const LECTURE = `Bonjour à tous. Aujourd'hui nous reprenons la somme des angles d'un triangle. Prenons un triangle
quelconque, traçons la parallèle à un côté passant par le sommet opposé, et comparons les angles alternes internes.
Vous voyez que les trois angles se placent côte à côte sur une droite : leur somme vaut donc cent quatre-vingts degrés.
Notez bien cette démonstration, elle reviendra à l'examen. Passons maintenant aux quadrilatères.`

/**
 * The lecturer: a French voice (espeak-ng, as the demo's lectures) repeated for the hour. What
 * the AAC encoder costs depends on what it hears, and a lecture is speech, not a steady tone.
 */
export function voice(): string {
  const file = path.join(cache, 'voice.wav')
  if (existsSync(file)) return file
  try {
    execFileSync('espeak-ng', ['-v', 'fr', '-s', '150', '-w', file, LECTURE.replace(/\s+/g, ' ')])
  } catch (error) {
    throw new Error(`the convert bench needs espeak-ng for its lecturer's voice (apt-get install espeak-ng): ${(error as Error).message}`, { cause: error })
  }
  return file
}

/** `which`: the cases to run, among `slides`, `screen` and `tldraw`. */
export async function benchConvert(runs: number, which: string[] = ['slides', 'screen', 'tldraw']): Promise<void> {
  mkdirSync(cache, { recursive: true })
  const cases = [
    ['slides', 'slides, ink, zooms, cursor', slidesSpec(), 74], ['screen', 'full-length screenshare + webcam', screenshareSpec(), 18],
    ['tldraw', 'BBB 2.7 whiteboard (2 000 strokes, texts, shapes), zooms, cursor, camera on and off', tldrawSpec(), 50],
  ] as const
  const lecturer = voice()
  for (const [, name, spec, target] of cases.filter(([key]) => which.includes(key))) {
    const dir = await ensure({ ...spec, voice: lecturer })
    const output = path.join(cache, `${spec.recordId}.mp4`)
    const results = []
    for (let i = 0; i < runs; i++) results.push(await convertOnce(dir, output))
    rmSync(output, { force: true })
    const wall = median(results.map((r) => r.wall))
    console.log(JSON.stringify({
      case: `convert 60 min: ${name}`, runs, wallSeconds: Number(wall.toFixed(1)), realTimeFactor: Number((spec.durationS / wall).toFixed(1)),
      target: `≥ ${target}×`, peakRssMB: Math.round(median(results.map((r) => r.peakMB))), detail: results[0]!.line,
    }))
  }
}
