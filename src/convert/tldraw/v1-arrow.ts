import { getStroke } from 'perfect-freehand'
import { add, dashAttrs, dashV1, dist, f2, mid, nudge, p2, quadPath, rotateAround, seededRandom, sub, type Pt } from './geometry.ts'
import type { V1Style } from './v1-style.ts'
import type { Json } from './geometry.ts'

/**
 * tldraw 1's arrows (@tldraw/tldraw 1.29.2 src/state/shapes/ArrowUtil: StraightArrow,
 * CurvedArrow, arrowHelpers): straight unless the bend handle leaves the middle, the shaft
 * hand-drawn with perfect-freehand for the "draw" dash, heads 30° either side, at most eight
 * stroke widths long, on the decorated ends (the end only, by default). Bindings are not kept
 * by the player: the arrow is drawn from its handles.
 */
const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
const handle = (h: Json | undefined, fallback: Pt): Pt => (Array.isArray(h?.point) ? [num(h.point[0]), num(h.point[1])] : fallback)
const easeOutQuad = (t: number) => t * (2 - t)

function circleThrough(a: Pt, b: Pt, c: Pt): { center: Pt; r: number } | undefined {
  const d = 2 * (a[0] * (b[1] - c[1]) + b[0] * (c[1] - a[1]) + c[0] * (a[1] - b[1]))
  if (Math.abs(d) < 1e-9) return undefined
  const sq = (p: Pt) => p[0] ** 2 + p[1] ** 2
  const center: Pt = [
    (sq(a) * (b[1] - c[1]) + sq(b) * (c[1] - a[1]) + sq(c) * (a[1] - b[1])) / d,
    (sq(a) * (c[0] - b[0]) + sq(b) * (a[0] - c[0]) + sq(c) * (b[0] - a[0])) / d,
  ]
  return { center, r: dist(center, a) }
}

const head = (tip: Pt, back: Pt, width: number, stroke: string) =>
  `<path d="M${p2(rotateAround(back, tip, Math.PI / 6))}L${p2(tip)}L${p2(rotateAround(back, tip, -Math.PI / 6))}" fill="none" stroke="${stroke}" stroke-width="${f2(width)}" stroke-linecap="round" stroke-linejoin="round"/>`

export function v1Arrow(shape: Json, s: V1Style): { body: string; size: Pt; origin: Pt } {
  const h: Json = shape.handles ?? {}
  const start = handle(h.start, [0, 0]), end = handle(h.end, [0, 0])
  const bend = handle(h.bend, mid(start, end))
  const decorations: Json = shape.decorations ?? { end: 'arrow' }
  const length = dist(start, end)
  const sw0 = s.strokeWidth, sw = 1 + sw0 * 1.618
  const headLength = Math.min(length / 3, sw0 * 8)
  const rng = seededRandom(String(shape.id ?? ''), 'half')
  const circle = dist(bend, mid(start, end)) >= 1 ? circleThrough(start, bend, end) : undefined
  let shaft: string
  let backs: [Pt, Pt]
  let extent: Pt[] = [start, end]
  if (!circle) {
    if (s.dash === 'draw') {
      const a = decorations.start ? nudge(start, end, sw0) : start, b = decorations.end ? nudge(end, start, sw0) : end
      const d = quadPath(getStroke([a, b], { size: sw0, thinning: 0.618 + rng() * 0.2, easing: easeOutQuad, simulatePressure: true, streamline: 0,
        last: true }) as Pt[], true)
      shaft = `<path d="${d}" fill="${s.stroke}" stroke="${s.stroke}" stroke-width="${f2(sw / 2)}" stroke-linecap="round" stroke-linejoin="round"/>`
    } else {
      shaft = `<path d="M${p2(start)}L${p2(end)}" fill="none" stroke="${s.stroke}" stroke-width="${f2(sw)}" stroke-linecap="round"${dashAttrs(dashV1(length, sw0 * 1.618, s.dash, 2, false))}/>`
    }
    backs = [nudge(start, end, headLength), nudge(end, start, headLength)]
  } else {
    const { center, r } = circle
    const angle = (p: Pt) => Math.atan2(p[1] - center[1], p[0] - center[0])
    const a0 = angle(start)
    let a1 = angle(end)
    // The arc runs through the bend handle: clockwise on screen when the handle lies left of start→end.
    const sweep = (end[0] - start[0]) * (bend[1] - start[1]) - (end[1] - start[1]) * (bend[0] - start[0]) > 0 ? 0 : 1
    if (sweep && a1 < a0) a1 += 2 * Math.PI
    if (!sweep && a1 > a0) a1 -= 2 * Math.PI
    const arcLength = Math.abs(a1 - a0) * r
    const at = (a: number): Pt => [center[0] + r * Math.cos(a), center[1] + r * Math.sin(a)]
    const count = 8 + Math.floor(arcLength / 20 + rng() / 2)
    extent = Array.from({ length: count + 1 }, (_, i) => at(a0 + ((a1 - a0) * i) / count))
    if (s.dash === 'draw') {
      const d = quadPath(getStroke(extent, { size: 1 + sw0, thinning: 0.618 + rng() * 0.2, easing: easeOutQuad, simulatePressure: false, streamline: 0,
        last: true }) as Pt[], true)
      shaft = `<path d="${d}" fill="${s.stroke}" stroke="none"/>`
    } else {
      shaft = `<path d="M${p2(start)}A${f2(r)} ${f2(r)} 0 0 ${sweep} ${p2(end)}" fill="none" stroke="${s.stroke}" stroke-width="${f2(sw)}" stroke-linecap="round"${dashAttrs(dashV1(arcLength, sw, s.dash, 2, false))}/>`
    }
    const step = headLength / r
    backs = [at(a0 + Math.sign(a1 - a0) * step), at(a1 - Math.sign(a1 - a0) * step)]
  }
  if (length < 2) shaft = ''
  const heads = length < 2 ? '' : [decorations.start ? head(start, backs[0], sw, s.stroke) : '', decorations.end ? head(end, backs[1], sw, s.stroke) : ''].join('')
  const min: Pt = [Math.min(...extent.map((p) => p[0])), Math.min(...extent.map((p) => p[1]))]
  const max: Pt = [Math.max(...extent.map((p) => p[0])), Math.max(...extent.map((p) => p[1]))]
  return { body: `<g transform="translate(${f2(-min[0])} ${f2(-min[1])})">${shaft}${heads}</g>`, size: sub(max, min), origin: add(min, [0, 0]) }
}
