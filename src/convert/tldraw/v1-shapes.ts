import { getStroke, getStrokeOutlinePoints, getStrokePoints, type StrokeOptions } from 'perfect-freehand'
import {
  add, dashAttrs, dashV1, dist, ellipsePerimeter, f2, lerp, mul, p2, quadPath, seededRandom, sub, type Pt,
} from './geometry.ts'
import { alignOf, textSvg } from './text.ts'
import { LETTER_SPACING_EM, stickyFill, v1Style, type V1Style } from './v1-style.ts'
import { v1Arrow } from './v1-arrow.ts'
import type { Json } from './geometry.ts'

/**
 * tldraw 1.29's shapes (BBB 2.6/2.7), drawn as its components draw them: perfect-freehand 1.2
 * with tldraw's options for pencil strokes and the hand-drawn outlines, the dashed variants with
 * its dash spacing, HTML text set in its fonts. Each shape lands in a box whose origin is its
 * bounds' top-left, turned about the middle of that box. Followed: @tldraw/tldraw 1.29.2
 * src/state/shapes/{DrawUtil,RectangleUtil,EllipseUtil,TriangleUtil,TextUtil,StickyUtil}.
 */
const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
const pt = (v: unknown): Pt => (Array.isArray(v) ? [num(v[0]), num(v[1])] : [0, 0])
const outline = (points: number[][], options: StrokeOptions) => quadPath(getStroke(points, options) as Pt[], true)

/** Points between two corners with tldraw's pressure (vec pointsBetween). */
function pointsBetween(a: Pt, b: Pt, steps: number): number[][] {
  return Array.from({ length: steps }, (_, i) => {
    const t = i / (steps - 1)
    return [...lerp(a, b, t), Math.min(1, 0.5 + Math.abs(0.5 - t))]
  })
}
const rotateArray = <T>(list: T[], k: number): T[] => list.map((_, i) => list[(i + k) % list.length]!)

function pencil(shape: Json, s: V1Style): { body: string; size: Pt } {
  const raw: number[][] = (shape.points ?? []).map((p: number[]) => [num(p[0]), num(p[1]), num(p[2], 0.5)])
  if (!raw.length) return { body: '', size: [0, 0] }
  const min: Pt = [Math.min(...raw.map((p) => p[0]!)), Math.min(...raw.map((p) => p[1]!))]
  const points = raw.map((p) => [p[0]! - min[0], p[1]! - min[1], p[2]!])
  const size: Pt = [Math.max(...points.map((p) => p[0]!)), Math.max(...points.map((p) => p[1]!))]
  const sw = s.strokeWidth
  if (size[0] <= sw / 2 && size[1] <= sw / 2) return { body: `<circle r="${f2(1 + sw)}" fill="${s.stroke}" stroke="${s.stroke}"/>`, size }
  const mouse = points[1]?.[2] === 0.5
  const options: StrokeOptions = {
    size: 1 + sw * 1.5, thinning: 0.65, streamline: 0.65, smoothing: 0.65, last: shape.isComplete !== false,
    ...(mouse ? { easing: (t: number) => Math.sin((t * Math.PI) / 2), simulatePressure: true } : { easing: (t: number) => t * t, simulatePressure: false }),
  }
  const strokePoints = getStrokePoints(points, options)
  const closed = s.isFilled && points.length > 3 && dist(pt(points[0]), pt(points.at(-1))) < sw * 2
  const fill = closed ? `<path d="${quadPath(strokePoints.map((p) => p.point as Pt), true)}" fill="${s.fill}"/>` : ''
  if (s.dash === 'draw') {
    const d = quadPath(getStrokeOutlinePoints(strokePoints, options) as Pt[], true)
    return { body: `${fill}<path d="${d}" fill="${s.stroke}" stroke="${s.stroke}" stroke-width="${f2(sw / 2)}" stroke-linejoin="round" stroke-linecap="round"/>`, size }
  }
  const line = strokePoints.map((p) => p.point as Pt)
  const d = quadPath([...line, pt(points.at(-1))], false)
  const dashes = s.dash === 'dotted' ? `0.1 ${f2(sw * 4)}` : s.dash === 'dashed' ? `${f2(sw * 4)} ${f2(sw * 4)}` : ''
  return { body: `${fill}<path d="${d}" fill="none" stroke="${s.stroke}" stroke-width="${f2(1 + sw * 1.5)}" stroke-linejoin="round" stroke-linecap="round"${dashes ? ` stroke-dasharray="${dashes}"` : ''}/>`, size }
}

/** The hand-drawn outline of a polygon: wobbly corners, then perfect-freehand at the stroke width. */
function inkyPolygon(corners: Pt[], points: number[][], s: V1Style): string {
  const options: StrokeOptions = { size: s.strokeWidth, thinning: 0.65, streamline: 0.3, smoothing: 1, simulatePressure: false, last: true }
  const fill = s.isFilled ? `<path d="${quadPath(getStrokePoints(points, options).map((p) => p.point as Pt), false)}" fill="${s.fill}"/>` : ''
  return corners.length ? `${fill}<path d="${outline(points, options)}" fill="${s.stroke}" stroke="${s.stroke}" stroke-width="${f2(s.strokeWidth)}"/>` : ''
}

function rectangle(shape: Json, s: V1Style): string {
  const [w, h] = [Math.max(0, num(shape.size?.[0])), Math.max(0, num(shape.size?.[1]))]
  const sw = s.strokeWidth
  if (s.dash !== 'draw') {
    const width = 1 + sw * 1.618
    const [x1, y1, x2, y2] = [width / 2, width / 2, Math.max(0, w - width / 2), Math.max(0, h - width / 2)]
    const edges: Array<[Pt, Pt]> = [[[x1, y1], [x2, y1]], [[x2, y1], [x2, y2]], [[x2, y2], [x1, y2]], [[x1, y2], [x1, y1]]]
    const lines = edges.map(([a, b]) => `<line x1="${f2(a[0])}" y1="${f2(a[1])}" x2="${f2(b[0])}" y2="${f2(b[1])}"${dashAttrs(dashV1(dist(a, b), sw * 1.618, s.dash))}/>`).join('')
    const fill = s.isFilled ? `<rect x="${f2(x1)}" y="${f2(y1)}" width="${f2(x2)}" height="${f2(y2)}" fill="${s.fill}"/>` : ''
    return `${fill}<g stroke="${s.stroke}" stroke-width="${f2(width)}" stroke-linecap="round">${lines}</g>`
  }
  const rng = seededRandom(String(shape.id ?? ''), 'half')
  const o = Array.from({ length: 4 }, (): Pt => [rng() * sw * 0.75, rng() * sw * 0.75])
  const tl = add([sw / 2, sw / 2], o[0]!), tr = add([w - sw / 2, sw / 2], o[1]!), br = add([w - sw / 2, h - sw / 2], o[2]!), bl = add([sw / 2, h - sw / 2],
    o[3]!)
  const turn = Math.round(Math.abs(rng() * 2 * 4))
  const [rx, ry] = [Math.min(w / 4, sw * 2), Math.min(h / 4, sw * 2)]
  const [px, py] = [Math.max(8, Math.floor(w / 16)), Math.max(8, Math.floor(h / 16))]
  const lines = rotateArray([
    pointsBetween(add(tl, [rx, 0]), sub(tr, [rx, 0]), px), pointsBetween(add(tr, [0, ry]), sub(br, [0, ry]), py),
    pointsBetween(sub(br, [rx, 0]), add(bl, [rx, 0]), px), pointsBetween(sub(bl, [0, ry]), add(tl, [0, ry]), py),
  ], turn)
  const points = [...lines.flat(), ...lines[0]!].slice(5, Math.floor((turn % 2 === 0 ? px : py) / -2) + 3)
  return inkyPolygon([tl, tr, br, bl], points, s)
}

function ellipse(shape: Json, s: V1Style): string {
  const [r0, r1] = [Math.max(0, num(shape.radius?.[0], num(shape.size?.[0]) / 2)), Math.max(0, num(shape.radius?.[1], num(shape.size?.[1]) / 2))]
  const sw = s.strokeWidth
  if (s.dash !== 'draw') {
    const width = 1 + sw * 1.618
    const [rx, ry] = [Math.max(0, r0 - width / 2), Math.max(0, r1 - width / 2)]
    const perimeter = ellipsePerimeter(rx, ry)
    const dash = dashAttrs(dashV1(perimeter < 64 ? perimeter * 2 : perimeter, sw * 1.618, s.dash, 4))
    return `<ellipse cx="${f2(r0)}" cy="${f2(r1)}" rx="${f2(rx)}" ry="${f2(ry)}" fill="${s.isFilled ? s.fill : 'none'}" stroke="${s.stroke}" stroke-width="${f2(width)}" stroke-linecap="round" stroke-linejoin="round"${dash}/>`
  }
  const rng = seededRandom(String(shape.id ?? ''), 'half')
  const [rx, ry] = [r0 + rng() * sw * 2, r1 + rng() * sw * 2]
  const perimeter = ellipsePerimeter(rx, ry)
  const start = Math.PI + Math.PI * rng()
  const extra = Math.abs(rng())
  const count = Math.max(16, perimeter / 10)
  const points: number[][] = []
  for (let i = 0; i < count; i++) {
    const t = -(Math.cos((Math.PI * i) / (count + 1)) - 1) / 2
    const a = start * 2 + Math.PI * (2 + extra) * t
    points.push([rx * Math.cos(a) + r0, ry * Math.sin(a) + r1, t + 0.5 + rng() / 2])
  }
  const taper = { end: { taper: perimeter / 8 }, start: { taper: perimeter / 12 }, streamline: 0, simulatePressure: true }
  const strokePoints = getStrokePoints(points, { size: 1 + sw * 2, thinning: 0.618, ...taper })
  const d = quadPath(getStrokeOutlinePoints(strokePoints, { size: 2 + sw * 2, thinning: 0.618, ...taper }) as Pt[], true)
  const fill = s.isFilled ? `<path d="${quadPath(strokePoints.map((p) => p.point as Pt), false)}" fill="${s.fill}"/>` : ''
  return `${fill}<path d="${d}" fill="${s.stroke}" stroke="${s.stroke}" stroke-width="${f2(sw)}" stroke-linecap="round" stroke-linejoin="round"/>`
}

function triangle(shape: Json, s: V1Style): string {
  const [w, h] = [Math.max(0, num(shape.size?.[0])), Math.max(0, num(shape.size?.[1]))]
  const corners: Pt[] = [[w / 2, 0], [w, h], [0, h]]
  const sw = s.strokeWidth
  if (s.dash !== 'draw') {
    const width = 1 + sw * 1.618
    const lines = corners.map((a, i) => {
      const b = corners[(i + 1) % 3]!
      return `<line x1="${f2(a[0])}" y1="${f2(a[1])}" x2="${f2(b[0])}" y2="${f2(b[1])}" stroke-width="${f2(width)}" stroke-linecap="round"${dashAttrs(dashV1(dist(a, b), sw * 1.618, s.dash))}/>`
    }).join('')
    const fill = s.isFilled ? `<polygon points="${corners.map(p2).join(' ')}" fill="${s.fill}"/>` : ''
    return `${fill}<g stroke="${s.stroke}">${lines}</g>`
  }
  const rng = seededRandom(String(shape.id ?? ''), 'half')
  const wobbly = corners.map((c) => add(c, [rng() * sw * 0.75, rng() * sw * 0.75]))
  const turn = Math.round(Math.abs(rng() * 2 * 3))
  const lines = rotateArray(wobbly.map((a, i) => pointsBetween(a, wobbly[(i + 1) % 3]!, 32)), turn)
  return inkyPolygon(wobbly, [...lines.flat(), ...lines[0]!], s)
}

function text(shape: Json, s: V1Style): { body: string; size: Pt } {
  const box = textSvg({ text: `${String(shape.text ?? '')}`, face: s.font, size: s.fontSize, lineHeight: 1, letterSpacingEm: LETTER_SPACING_EM, align: alignOf(s.align), x: 4, y: 4, fill: s.stroke })
  return { body: box.svg, size: [box.width + 10, box.height + 10] }
}

function sticky(shape: Json, s: V1Style): { body: string; size: Pt } {
  const w = num(shape.size?.[0], 200)
  const box = textSvg({
    text: String(shape.text ?? ''), face: s.font, size: s.stickyFontSize, lineHeight: 1, letterSpacingEm: LETTER_SPACING_EM,
    align: alignOf(s.align), x: 16, y: 16, wrap: w - 32, boxWidth: w - 32, fill: '#0d0d0d',
  })
  const h = Math.max(num(shape.size?.[1], 200), box.height + 32)
  const paper = `<rect x="1" y="2" width="${f2(w)}" height="${f2(h)}" rx="3" fill="#000000" fill-opacity="0.16"/><rect width="${f2(w)}" height="${f2(h)}" rx="3" fill="${stickyFill(shape.style?.color)}"/>`
  return { body: paper + box.svg, size: [w, h] }
}

/** One tldraw 1 shape as SVG in page coordinates, or undefined for a kind it cannot draw. */
export function v1Shape(shape: Json): string | undefined {
  const s = v1Style(shape.style)
  const point = pt(shape.point)
  let drawn: { body: string; size: Pt; origin?: Pt } | undefined
  switch (shape.type) {
    case 'draw': {
      const p = pencil(shape, s)
      const points: number[][] = shape.points ?? []
      drawn = { ...p, origin: points.length ? [Math.min(...points.map((q) => num(q[0]))), Math.min(...points.map((q) => num(q[1])))] : [0, 0] }
      break
    }
    case 'rectangle': drawn = { body: rectangle(shape, s), size: pt(shape.size) }; break
    case 'triangle': drawn = { body: triangle(shape, s), size: pt(shape.size) }; break
    case 'ellipse': {
      const r: Pt = shape.radius ? pt(shape.radius) : mul(pt(shape.size), 0.5)
      drawn = { body: ellipse(shape, s), size: mul(r, 2) }
      break
    }
    case 'arrow': drawn = v1Arrow(shape, s); break
    case 'text': drawn = text(shape, s); break
    case 'sticky': drawn = sticky(shape, s); break
    case 'group': return ''
    default: return undefined
  }
  const origin = add(point, drawn.origin ?? [0, 0])
  const [cx, cy] = [Math.floor(drawn.size[0]) / 2, Math.floor(drawn.size[1]) / 2]
  const turn = num(shape.rotation) ? ` rotate(${f2((num(shape.rotation) * 180) / Math.PI)} ${f2(cx)} ${f2(cy)})` : ''
  return `<g transform="translate(${f2(origin[0])} ${f2(origin[1])})${turn}">${drawn.body}</g>`
}
