import { add, dashAttrs, dashV2, dist, f2, lerp, mid, mul, nudge, p2, per, rotateAround, sub, unit, type Pt } from './geometry.ts'
import { textSvg } from './text.ts'
import { ARROW_LABEL_FONT_SIZES, BACKGROUND, colourOf, dashOf, fontOf, LINE_HEIGHT, shapeFill, sizeKey, STROKE_SIZES } from './v2-style.ts'
import { geoVertices } from './v2-geo.ts'
import type { Json } from './geometry.ts'

/**
 * tldraw 2's arrows (@bigbluebutton/tldraw 2.0.0-alpha.25 shapes/arrow/ArrowShapeUtil, editor
 * shapes/shared/arrow/{shared,straight-arrow,curved-arrow,arrowheads}): ends given as points or
 * bound to a shape (its anchor, the end then stopping at the shape's outline, 10 units and half
 * the strokes short of it), straight when the bend is under 8 units, else an arc through the
 * bend; eight kinds of heads; the label over a gap cut in the shaft.
 */
export type ShapeLookup = (id: string) => Json | undefined
const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)

/** A shape's transform: its local point to the page, and back. */
const toPage = (s: Json) => (p: Pt): Pt => add(rotateAround(p, [0, 0], num(s.rotation)), [num(s.x), num(s.y)])
const fromPage = (s: Json) => (p: Pt): Pt => rotateAround(sub(p, [num(s.x), num(s.y)]), [0, 0], -num(s.rotation))

/** The outline a bound arrow stops at, in the bound shape's coordinates. */
function outlineOf(shape: Json): Pt[] {
  const p: Json = shape.props ?? {}
  const [w, h] = shape.type === 'note' ? [200, 200 + num(p.growY)] : [Math.max(1, num(p.w, 1)), Math.max(1, num(p.h, 1) + num(p.growY))]
  if (shape.type === 'geo') {
    const vertices = geoVertices(String(p.geo ?? 'rectangle'), w, h)
    if (vertices) return vertices
    return Array.from({ length: 64 }, (_, i): Pt => [w / 2 + (w / 2) * Math.cos((i / 32) * Math.PI), h / 2 + (h / 2) * Math.sin((i / 32) * Math.PI)])
  }
  return [[0, 0], [w, 0], [w, h], [0, h]]
}
const boundsOf = (outline: Pt[]) => ({ min: [Math.min(...outline.map((q) => q[0])), Math.min(...outline.map((q) => q[1]))] as Pt,
  max: [Math.max(...outline.map((q) => q[0])), Math.max(...outline.map((q) => q[1]))] as Pt })

interface End {
  point: Pt
  /** The bound shape's outline in arrow space, when bound and not exact. */
  outline?: Pt[]
  boundSize?: number
}

function terminal(t: Json | undefined, arrow: Json, lookup: ShapeLookup): End {
  if (t?.type !== 'binding') return { point: [num(t?.x), num(t?.y)] }
  const bound = lookup(String(t.boundShapeId))
  if (!bound) return { point: [0, 0] }
  const outline = outlineOf(bound)
  const { min, max } = boundsOf(outline)
  const anchor: Pt = t.isPrecise ? [num(t.normalizedAnchor?.x, 0.5), num(t.normalizedAnchor?.y, 0.5)] : [0.5, 0.5]
  const inArrow = (q: Pt) => fromPage(arrow)(toPage(bound)(q))
  return {
    point: inArrow(add(min, [anchor[0] * (max[0] - min[0]), anchor[1] * (max[1] - min[1])])),
    outline: t.isExact ? undefined : outline.map(inArrow),
    boundSize: bound.props?.size ? STROKE_SIZES[sizeKey(bound.props.size)] : 0,
  }
}

/** Where segment a→b crosses a closed outline, the crossing nearest to `near`. */
function clip(a: Pt, b: Pt, outline: Pt[], near: Pt): Pt | undefined {
  let best: Pt | undefined
  outline.forEach((c, i) => {
    const d = outline[(i + 1) % outline.length]!
    const r = sub(b, a), s = sub(d, c)
    const den = r[0] * s[1] - r[1] * s[0]
    if (Math.abs(den) < 1e-9) return
    const t = ((c[0] - a[0]) * s[1] - (c[1] - a[1]) * s[0]) / den
    const u = ((c[0] - a[0]) * r[1] - (c[1] - a[1]) * r[0]) / den
    if (t < 0 || t > 1 || u < 0 || u > 1) return
    const hit = add(a, mul(r, t))
    if (!best || dist(hit, near) < dist(best, near)) best = hit
  })
  return best
}

function headPath(kind: string, tip: Pt, back: Pt): string {
  const d = mul(sub(back, tip), 0.5)
  switch (kind) {
    case 'arrow': return `M${p2(rotateAround(back, tip, Math.PI / 6))}L${p2(tip)}L${p2(rotateAround(back, tip, -Math.PI / 6))}`
    case 'triangle': return `M${p2(rotateAround(back, tip, Math.PI / 6))}L${p2(tip)}L${p2(rotateAround(back, tip, -Math.PI / 6))}Z`
    case 'inverted': return `M${p2(add(tip, per(d)))}L${p2(back)}L${p2(sub(tip, per(d)))}Z`
    case 'bar': return `M${p2(add(tip, per(d)))}L${p2(sub(tip, per(d)))}`
    case 'dot': {
      const c = lerp(tip, back, 0.45), r = dist(c, tip)
      return `M${p2(sub(c, [r, 0]))}a${f2(r)},${f2(r)} 0 1,0 ${f2(2 * r)},0a${f2(r)},${f2(r)} 0 1,0 ${f2(-2 * r)},0`
    }
    case 'diamond': {
      const b = lerp(tip, back, 0.75), l = rotateAround(b, tip, Math.PI / 4), r = rotateAround(b, tip, -Math.PI / 4)
      return `M${p2(sub(mul(mid(l, r), 2), tip))}L${p2(l)}L${p2(tip)}L${p2(r)}Z`
    }
    case 'square': {
      const b = lerp(tip, back, 0.85), half = per(mul(sub(b, tip), 0.5))
      return `M${p2(add(tip, half))}L${p2(add(b, half))}L${p2(sub(b, half))}L${p2(sub(tip, half))}Z`
    }
    default: return ''
  }
}

export function v2Arrow(shape: Json, lookup: ShapeLookup): string {
  const p: Json = shape.props ?? {}
  const sw = STROKE_SIZES[sizeKey(p.size)]!, stroke = colourOf(p.color).solid
  const [startEnd, endEnd] = [terminal(p.start, shape, lookup), terminal(p.end, shape, lookup)]
  let [a, b] = [startEnd.point, endEnd.point]
  const heads = [String(p.arrowheadStart ?? 'none'), String(p.arrowheadEnd ?? 'arrow')]
  // A bound end stops at its shape's outline, and short of it when it carries a head.
  const ends = [startEnd, endEnd].map((e, i) => {
    const [self, other] = i === 0 ? [a, b] : [b, a]
    const hit = e.outline ? clip(a, b, e.outline, other) ?? self : self
    const offset = e.outline && heads[i] !== 'none' ? 10 + sw / 2 + (e.boundSize ?? 0) / 2 : 0
    return offset && dist(hit, other) > offset + 10 ? nudge(hit, other, offset) : hit
  })
  ;[a, b] = [ends[0]!, ends[1]!]
  const bend = num(p.bend)
  const length = dist(a, b)
  if (length < 1) return ''
  let body: string, middle: Pt, backs: [Pt, Pt], total: number
  const headLength = (l: number) => Math.max(Math.min(l / 5, sw * 3), sw)
  if (Math.abs(bend) < 8) {
    body = `M${p2(a)}L${p2(b)}`
    middle = mid(a, b)
    total = length
    backs = [nudge(a, b, headLength(length)), nudge(b, a, headLength(length))]
  } else {
    middle = add(mid(a, b), mul(per(unit(sub(b, a))), -bend))
    const { center, r, sweep, large, angle } = arc(a, middle, b)
    total = r * angle
    body = `M${p2(a)}A${f2(r)} ${f2(r)} 0 ${large} ${sweep} ${p2(b)}`
    const step = headLength(total) / r
    const around = (q: Pt, k: number) => rotateAround(q, center, sweep ? k : -k)
    backs = [around(a, step), around(b, -step)]
  }
  const dash = dashOf(p.dash)
  const shaft = `<path d="${body}"${dashAttrs(dashV2(total, sw, dash === 'draw' ? 'solid' : dash))}/>`
  const headSvg = [0, 1].map((i) => {
    const d = headPath(heads[i]!, i ? b : a, backs[i as 0 | 1])
    if (!d) return ''
    const fill = heads[i] !== 'arrow' && p.fill && p.fill !== 'none' ? shapeFill(p.fill, p.color, d) : ''
    return `${fill}<path d="${d}"/>`
  }).join('')
  const text = String(p.text ?? '')
  if (text.trim()) {
    const size = ARROW_LABEL_FONT_SIZES[sizeKey(p.size)]!
    const box = { text, face: fontOf(p.font), size, lineHeight: LINE_HEIGHT, align: 'middle' as const, x: 0, y: 0, wrap: 16 * size, fill: colourOf(p.labelColor ?? 'black').solid, halo: BACKGROUND }
    const m = textSvg(box)
    const [x, y] = [middle[0] - m.width / 2, middle[1] - m.height / 2]
    const labelSvg = textSvg({ ...box, x, y, boxWidth: m.width }).svg
    const id = `tl-arrow-${String(shape.id ?? '').replace(/[^A-Za-z0-9_-]/g, '')}`
    const mask = `<mask id="${id}" maskUnits="userSpaceOnUse" x="-100000" y="-100000" width="200000" height="200000"><rect x="-100000" y="-100000" width="200000" height="200000" fill="#fff"/><rect x="${f2(x - 8.25)}" y="${f2(y - 8.25)}" width="${f2(m.width + 16.5)}" height="${f2(m.height + 16.5)}" rx="4" fill="#000"/></mask>`
    return `${mask}<g fill="none" stroke="${stroke}" stroke-width="${f2(sw)}" stroke-linecap="round" stroke-linejoin="round" mask="url(#${id})">${shaft}${headSvg}</g>${labelSvg}`
  }
  return `<g fill="none" stroke="${stroke}" stroke-width="${f2(sw)}" stroke-linecap="round" stroke-linejoin="round">${shaft}${headSvg}</g>`
}

/** The circle through a, m and b, and how the arc from a to b through m runs. */
function arc(a: Pt, m: Pt, b: Pt) {
  const d = 2 * (a[0] * (m[1] - b[1]) + m[0] * (b[1] - a[1]) + b[0] * (a[1] - m[1]))
  const sq = (q: Pt) => q[0] ** 2 + q[1] ** 2
  const center: Pt = [
    (sq(a) * (m[1] - b[1]) + sq(m) * (b[1] - a[1]) + sq(b) * (a[1] - m[1])) / d,
    (sq(a) * (b[0] - m[0]) + sq(m) * (a[0] - b[0]) + sq(b) * (m[0] - a[0])) / d,
  ]
  const r = dist(center, a)
  // Clockwise on screen when m lies right of a→b.
  const sweep = (b[0] - a[0]) * (m[1] - a[1]) - (b[1] - a[1]) * (m[0] - a[0]) > 0 ? 0 : 1
  const angleOf = (q: Pt) => Math.atan2(q[1] - center[1], q[0] - center[0])
  let angle = angleOf(b) - angleOf(a)
  if (sweep && angle < 0) angle += 2 * Math.PI
  if (!sweep && angle > 0) angle -= 2 * Math.PI
  angle = Math.abs(angle)
  return { center, r, sweep, large: angle > Math.PI ? 1 : 0, angle }
}
