import { getStroke, getStrokePoints, type StrokeOptions } from 'perfect-freehand'
import { dashAttrs, dashV2, dist, f2, lerp, p2, quadPath, seededRandom, type Pt } from './geometry.ts'
import { alignOf, textSvg } from './text.ts'
import { v2Arrow, type ShapeLookup } from './v2-arrow.ts'
import { v2Geo } from './v2-geo.ts'
import { BACKGROUND, colourOf, dashOf, FONT_SIZES, fontOf, LABEL_FONT_SIZES, LINE_HEIGHT, shapeFill, sizeKey, STROKE_SIZES } from './v2-style.ts'
import type { Json } from './geometry.ts'

/**
 * tldraw 2's other shapes (@bigbluebutton/tldraw 2.0.0-alpha.25 src/lib/shapes: draw, highlight,
 * line, text, note, frame). Pencil strokes go through perfect-freehand with tldraw 2's options
 * (its own fork of it draws them in the player; the options, sizes and easings are its). Each
 * shape is placed at x, y and turned about its top-left corner.
 */
const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
const easeOutSine = (t: number) => Math.sin((t * Math.PI) / 2)
const easeInQuad = (t: number) => t * t
const easeInOutQuad = (t: number) => (t < 0.5 ? 2 * t * t : -1 + (4 - 2 * t) * t)

/** A draw shape's points: free segments as drawn, straight ones interpolated with tldraw's pressure. */
function segmentPoints(p: Json): number[][] {
  return ((p.segments ?? []) as Json[]).flatMap((segment) => {
    const points: number[][] = (segment.points ?? []).map((q: Json) => [num(q.x), num(q.y), num(q.z, 0.5)])
    if (segment.type !== 'straight' || points.length < 2) return points
    const [a, b] = [points[0] as unknown as Pt, points.at(-1) as unknown as Pt]
    const n = Math.max(4, Math.floor(dist(a, b) / 16))
    return Array.from({ length: n }, (_, i) => {
      const t = easeInQuad(i / (n - 1))
      return [...lerp(a, b, t), Math.min(1, 0.5 + Math.abs(0.5 - easeInOutQuad(t)) * 0.65)]
    })
  })
}

function draw(shape: Json): string {
  const p: Json = shape.props ?? {}
  const points = segmentPoints(p)
  if (!points.length) return ''
  const strokeWidth = STROKE_SIZES[sizeKey(p.size)]!
  const dash = dashOf(p.dash)
  const colour = colourOf(p.color).solid
  const sw = !p.isPen && dash === 'draw' && points.length === 1 ? strokeWidth + seededRandom(String(shape.id ?? ''), 'full')() * (strokeWidth / 6) : strokeWidth
  const streamline = 0.62 + ((1 + sw) / 8) * 0.06
  const options: StrokeOptions = dash !== 'draw'
    ? { size: 1 + sw, thinning: 0, streamline, smoothing: 0.62, easing: (t) => t, simulatePressure: false }
    : p.isPen
      ? { size: 1 + sw * 1.2, thinning: 0.62, streamline: 0.62, smoothing: 0.62, easing: (t) => t * 0.65 + easeOutSine(t) * 0.35, simulatePressure: false }
      : { size: 1 + sw, thinning: 0.5, streamline, smoothing: 0.62, easing: easeOutSine, simulatePressure: true }
  options.last = p.isComplete !== false
  const strokePoints = getStrokePoints(points, options).map((q) => q.point as Pt)
  const closedFill = p.isClosed && points.length > 1 ? shapeFill(p.fill, p.color, quadPath(strokePoints, true)) : ''
  if (dash === 'draw') return `${closedFill}<path d="${quadPath(getStroke(points, options) as Pt[], true)}" fill="${colour}"/>`
  if (strokePoints.length < 2) return `<circle cx="${f2(points[0]![0]!)}" cy="${f2(points[0]![1]!)}" r="0.5" fill="${colour}" stroke="${colour}" stroke-width="${f2(strokeWidth)}"/>`
  const dashes = dash === 'dotted' ? ` stroke-dasharray="0.1 ${f2(strokeWidth * 2)}"` : dash === 'dashed' ? ` stroke-dasharray="${f2(strokeWidth * 2)} ${f2(strokeWidth * 2)}"` : ''
  return `${closedFill}<path d="${quadPath(strokePoints, Boolean(p.isClosed))}" fill="none" stroke="${colour}" stroke-width="${f2(strokeWidth)}" stroke-linecap="round" stroke-linejoin="round"${dashes}/>`
}

/** The highlighter: a wide line in the colour's highlight at 35% (its 82% underlay lies under the slide). */
function highlight(shape: Json): string {
  const p: Json = shape.props ?? {}
  const points = segmentPoints(p)
  if (!points.length) return ''
  const width = FONT_SIZES[sizeKey(p.size)]! * 1.12
  const sw = !p.isPen && points.length === 1 ? width + seededRandom(String(shape.id ?? ''), 'full')() * (width / 6) : width
  const strokePoints = getStrokePoints(points, { size: 1 + sw, thinning: 0, streamline: 0.5, smoothing: 0.5, simulatePressure: false, easing: easeOutSine,
    last: p.isComplete !== false }).map((q) => q.point as Pt)
  const colour = colourOf(p.color).highlight
  const line = strokePoints.length < 2 ? `<circle cx="${f2(points[0]![0]!)}" cy="${f2(points[0]![1]!)}" r="0.1"` : `<path d="${quadPath(strokePoints, false)}"`
  return `${line} fill="none" stroke="${colour}" stroke-width="${f2(sw)}" stroke-linecap="round" stroke-linejoin="round" opacity="0.35"/>`
}

function line(shape: Json): string {
  const p: Json = shape.props ?? {}
  const handles = Object.values((p.handles ?? p.points ?? {}) as Record<string, Json>)
    .sort((a, b) => (String(a.index ?? '') < String(b.index ?? '') ? -1 : String(a.index ?? '') > String(b.index ?? '') ? 1 : 0))
    .map((h): Pt => [num(h.x), num(h.y)])
  if (handles.length < 2) return ''
  const sw = STROKE_SIZES[sizeKey(p.size)]!
  const dash = dashOf(p.dash)
  let d: string
  if (p.spline === 'cubic') {
    d = `M${p2(handles[0]!)}`
    for (let i = 0; i < handles.length - 1; i++) {
      const [p0, p1, p2_, p3] = [handles[i - 1] ?? handles[i]!, handles[i]!, handles[i + 1]!, handles[i + 2] ?? handles[i + 1]!]
      const cp1: Pt = i === 0 ? p1 : [p1[0] + ((p2_[0] - p0[0]) / 6) * 1.25, p1[1] + ((p2_[1] - p0[1]) / 6) * 1.25]
      const cp2: Pt = i === handles.length - 2 ? p2_ : [p2_[0] - ((p3[0] - p1[0]) / 6) * 1.25, p2_[1] - ((p3[1] - p1[1]) / 6) * 1.25]
      d += `C${p2(cp1)} ${p2(cp2)} ${p2(p2_)}`
    }
  } else d = `M${handles.map(p2).join('L')}`
  const total = handles.slice(1).reduce((sum, q, i) => sum + dist(handles[i]!, q), 0)
  return `<path d="${d}" fill="none" stroke="${colourOf(p.color).solid}" stroke-width="${f2(sw)}" stroke-linecap="round" stroke-linejoin="round"${dashAttrs(dashV2(total, sw, dash === 'draw' ? 'solid' : dash, { start: 'none', end: 'none' }))}/>`
}

function text(shape: Json): string {
  const p: Json = shape.props ?? {}
  const fixed = p.autoSize === false && num(p.w) > 0
  const box = textSvg({
    text: String(p.text ?? ''), face: fontOf(p.font), size: FONT_SIZES[sizeKey(p.size)]!, lineHeight: LINE_HEIGHT, align: alignOf(p.align),
    x: 0, y: 0, wrap: fixed ? Math.max(16, num(p.w)) : undefined, boxWidth: fixed ? Math.max(16, num(p.w)) : undefined, fill: colourOf(p.color).solid,
    halo: BACKGROUND,
  })
  const scale = num(p.scale, 1)
  return scale === 1 ? box.svg : `<g transform="scale(${f2(scale)})">${box.svg}</g>`
}

/** A sticky note: 200 wide, taller when its text needs it; black notes are yellow. */
function note(shape: Json): string {
  const p: Json = shape.props ?? {}
  const colour = colourOf(p.color === 'black' ? 'yellow' : p.color).solid
  const box = { text: String(p.text ?? ''), face: fontOf(p.font), size: LABEL_FONT_SIZES[sizeKey(p.size)]!, lineHeight: LINE_HEIGHT, align: alignOf(p.align), x: 16, y: 0, wrap: 166, boxWidth: 168, fill: '#1d1d1d' }
  const measured = textSvg(box)
  const h = 200 + Math.max(0, measured.height + 34 - 200)
  const top = p.verticalAlign === 'start' ? 16 : p.verticalAlign === 'end' ? h - 16 - measured.height : (h - measured.height) / 2
  const paper = `<rect y="1" width="200" height="${f2(h)}" rx="6" fill="#000000" fill-opacity="0.2"/><rect width="200" height="${f2(h)}" rx="6" fill="${colour}" stroke="${colour}"/><rect width="200" height="${f2(h)}" rx="6" fill="${BACKGROUND}" fill-opacity="0.28"/>`
  return paper + textSvg({ ...box, y: top }).svg
}

function frame(shape: Json): string {
  const p: Json = shape.props ?? {}
  const [w, h] = [Math.max(1, num(p.w, 1)), Math.max(1, num(p.h, 1))]
  const name = textSvg({ text: String(p.name ?? ''), face: fontOf('sans'), size: 12, lineHeight: 1.35, align: 'start', x: 0, y: -18, fill: '#000000' })
  return `<rect width="${f2(w)}" height="${f2(h)}" fill="#fcfffe" stroke="#000000" stroke-width="1"/>${name.svg}`
}

/** One tldraw 2 shape as SVG in page coordinates; undefined for a kind it cannot draw. */
export function v2Shape(shape: Json, lookup: ShapeLookup): string | undefined {
  let body: string | undefined
  switch (shape.type) {
    case 'draw': body = draw(shape); break
    case 'highlight': body = highlight(shape); break
    case 'geo': body = v2Geo(shape); break
    case 'arrow': body = v2Arrow(shape, lookup); break
    case 'line': body = line(shape); break
    case 'text': body = text(shape); break
    case 'note': body = note(shape); break
    case 'frame': body = frame(shape); break
    case 'group': return ''
    default: return undefined
  }
  if (body === undefined) return undefined
  const turn = num(shape.rotation) ? ` rotate(${f2((num(shape.rotation) * 180) / Math.PI)})` : ''
  const opacity = num(shape.opacity, 1)
  return `<g transform="translate(${f2(num(shape.x))} ${f2(num(shape.y))})${turn}"${opacity < 1 ? ` opacity="${f2(opacity)}"` : ''}>${body}</g>`
}
