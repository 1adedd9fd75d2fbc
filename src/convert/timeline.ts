import type { CursorEvent, InkVersion, Presentation } from './presentation.ts'
import { tldrawPage } from './tldraw/index.ts'

/** What the presentation area shows at one instant; equal keys mean equal pictures. */
export interface FrameState {
  /** Seconds from the start of the output. */
  t: number
  slide: number
  viewBox: [number, number, number, number]
  /** Indices into `presentation.ink`, in drawing order. */
  ink: number[]
  /** Key of slide + zoom + ink: the picture without the cursor. */
  baseKey: string
  /** Fractions of the viewBox, or null when hidden. */
  cursor: { x: number; y: number } | null
  /** How many items of the side panel (the chat) show. */
  panel: number
  /** The cameras' column is on screen (the content shrinks beside it). */
  column: boolean
}

export interface TimelineOptions {
  from: number
  to: number
  cursor: boolean
  annotations: boolean
  /** Changes closer than this are merged into one frame (BBB's own resolution is 0.1 s). */
  minFrameGap: number
  /** Recording times at which the side panel gains an item (the chat), sorted. */
  panelTimes?: number[]
  /** When the cameras' column shows, on the output's timeline. */
  columnOn?: Array<{ start: number; stop: number }>
}

function lastAtOrBefore<T extends { t: number }>(list: T[], t: number): T | undefined {
  let lo = 0, hi = list.length - 1, found: T | undefined
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (list[mid]!.t <= t) {
      found = list[mid]
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}

/** The newest version of each shape of the slide at time t, unless undone. */
function visibleInk(versions: Array<{ index: number; v: InkVersion }>, t: number): number[] {
  const newest = new Map<string, { index: number; v: InkVersion }>()
  for (const entry of versions) {
    if (entry.v.timestamp > t) break
    newest.set(entry.v.shape, entry)
  }
  return [...newest.values()].filter(({ v }) => v.undo < 0 || v.undo > t).map(({ index }) => index)
}

/**
 * Turns the presentation's events into the list of distinct pictures, each with the time it
 * starts: a frame is emitted only where something visible changes.
 */
export function buildTimeline(p: Presentation, options: TimelineOptions): FrameState[] {
  const times = new Set<number>([options.from])
  const add = (t: number) => {
    if (t > options.from && t < options.to) times.add(Math.round(t * 1000) / 1000)
  }
  for (const s of p.slides) [s.in, s.out].forEach(add)
  for (const z of p.panzooms) add(z.t)
  for (const d of p.deskshare) [d.start, d.stop].forEach(add)
  if (options.annotations) for (const v of p.ink) [v.timestamp, ...(v.undo >= 0 ? [v.undo] : [])].forEach(add)
  const cursor: CursorEvent[] = options.cursor ? p.cursor : []
  for (const c of cursor) add(c.t)
  const panelTimes = options.panelTimes ?? []
  for (const t of panelTimes) add(t)
  const columnOn = options.columnOn ?? []
  for (const c of columnOn) [c.start + options.from, c.stop + options.from].forEach(add)

  const inkBySlide = new Map<string, Array<{ index: number; v: InkVersion }>>()
  p.ink.forEach((v, index) => {
    const list = inkBySlide.get(v.slideId) ?? []
    list.push({ index, v })
    inkBySlide.set(v.slideId, list)
  })

  const frames: FrameState[] = []
  let lastKept = -Infinity
  for (const t of [...times].sort((a, b) => a - b)) {
    let slide = -1
    for (let i = 0; i < p.slides.length; i++) if (p.slides[i]!.in <= t && t < p.slides[i]!.out) slide = i
    const s = p.slides[slide]
    const zoom = lastAtOrBefore(p.panzooms, t)
    const { scale, offset } = s && p.tldraw ? tldrawPage(s, p.bbbVersion) : { scale: 1, offset: 0 }
    // tldraw cameras are page offsets: the view starts at -x, -y page units (see tldraw/index.ts).
    const viewBox: FrameState['viewBox'] = zoom
      ? (p.tldraw ? [(-zoom.viewBox[0] - offset) / scale, (-zoom.viewBox[1] - offset) / scale, zoom.viewBox[2], zoom.viewBox[3]] : zoom.viewBox)
      : s ? [0, 0, s.width, s.height] : [0, 0, 1600, 900]
    const ink = s && options.annotations ? visibleInk(inkBySlide.get(s.id) ?? [], t) : []
    const raw = lastAtOrBefore(cursor, t)
    // Pre-tldraw cursors are fractions of the view; tldraw ones are page coordinates.
    const c = raw && !(raw.x === -1 && raw.y === -1) && p.tldraw ? { x: ((raw.x - offset) / scale - viewBox[0]) / viewBox[2],
      y: ((raw.y - offset) / scale - viewBox[1]) / viewBox[3] } : raw
    const panel = countAtOrBefore(panelTimes, t)
    const column = columnOn.some((c) => t - options.from >= c.start && t - options.from < c.stop)
    const frame: FrameState = {
      t: t - options.from, slide, viewBox, ink, panel, column,
      // By slide id: a slide shown twice is the same picture.
      baseKey: `${s?.id ?? '-'}|${viewBox.join(',')}|${ink.join(',')}|${panel}|${column ? 'c' : ''}`,
      cursor: c && c.x >= 0 && c.y >= 0 && c.x <= 1 && c.y <= 1 ? { x: c.x, y: c.y } : null,
    }
    const previous = frames.at(-1)
    if (previous && previous.baseKey === frame.baseKey && sameCursor(previous.cursor, frame.cursor)) continue
    // Too close to the previous frame: that frame shows this newer state instead.
    if (previous && t - lastKept < options.minFrameGap && frames.length > 1) frames[frames.length - 1] = { ...frame, t: previous.t }
    else {
      frames.push(frame)
      lastKept = t
    }
  }
  return frames
}

function countAtOrBefore(sorted: number[], t: number): number {
  let n = 0
  while (n < sorted.length && sorted[n]! <= t) n++
  return n
}

function sameCursor(a: FrameState['cursor'], b: FrameState['cursor']): boolean {
  return a === b || (!!a && !!b && a.x === b.x && a.y === b.y)
}
