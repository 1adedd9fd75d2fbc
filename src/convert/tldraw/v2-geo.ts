import { add, dashAttrs, dashV2, dist, ellipsePerimeter, f2, mul, seededRandom, sub, unit, type Pt } from './geometry.ts'
import { alignOf, textSvg } from './text.ts'
import { BACKGROUND, colourOf, dashOf, fontOf, LABEL_FONT_SIZES, LINE_HEIGHT, shapeFill, sizeKey, STROKE_SIZES } from './v2-style.ts'
import type { Json } from './geometry.ts'

/**
 * tldraw 2's geo shapes (@bigbluebutton/tldraw 2.0.0-alpha.25 src/lib/shapes/geo: GeoShapeUtil,
 * components/*, cloudOutline; editor primitives/utils getPolygonVertices): the 19 kinds' outlines,
 * the "draw" dash as a double, rounded, jittered ink line, dashes spaced to fit each edge, the
 * fill under the outline, and the label wrapped 16 units inside the box, which grows to hold it.
 */
const num = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
const polygonD = (pts: Pt[]) => `M${pts.map((p) => `${f2(p[0])},${f2(p[1])}`).join('L')}Z`

function regular(w: number, h: number, sides: number): Pt[] {
  const pts = Array.from({ length: sides }, (_, i): Pt => {
    const t = -Math.PI / 2 + (i * 2 * Math.PI) / sides
    return [w / 2 + (w / 2) * Math.cos(t), h / 2 + (h / 2) * Math.sin(t)]
  })
  const [minX, minY] = [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1]))]
  return pts.map((p) => [p[0] - minX, p[1] - minY])
}

function star(w: number, h: number): Pt[] {
  const step = Math.PI / 5
  const maxX = (Math.cos(-Math.PI / 2 + 2 * step) * w) / 2, minX = (Math.cos(-Math.PI / 2 + 8 * step) * w) / 2
  const minY = -h / 2, maxY = (Math.sin(-Math.PI / 2 + 4 * step) * h) / 2
  const diffX = w - Math.abs(maxX - minX), diffY = h - Math.abs(maxY - minY)
  const offsetX = w / 2 + minX - (w / 2 - maxX), offsetY = h / 2 + minY - (h / 2 - maxY)
  const [cx, cy, ox, oy] = [(w - offsetX) / 2, (h - offsetY) / 2, (w + diffX) / 2, (h + diffY) / 2]
  return Array.from({ length: 10 }, (_, i): Pt => {
    const t = -Math.PI / 2 + i * step
    return [cx + (i % 2 ? ox / 2 : ox) * Math.cos(t), cy + (i % 2 ? oy / 2 : oy) * Math.sin(t)]
  })
}

/** The outline's corners, for every kind that is a polygon. */
export function geoVertices(geo: string, w: number, h: number): Pt[] | undefined {
  const o = Math.min(w, h) * 0.38
  switch (geo) {
    case 'rectangle': case 'x-box': case 'check-box': return [[0, 0], [w, 0], [w, h], [0, h]]
    case 'triangle': return [[w / 2, 0], [w, h], [0, h]]
    case 'diamond': return [[w / 2, 0], [w, h / 2], [w / 2, h], [0, h / 2]]
    case 'pentagon': return regular(w, h, 5)
    case 'hexagon': return regular(w, h, 6)
    case 'octagon': return regular(w, h, 8)
    case 'star': return star(w, h)
    case 'rhombus': return [[o, 0], [w, 0], [w - o, h], [0, h]]
    case 'rhombus-2': return [[0, 0], [w - o, 0], [w, h], [o, h]]
    case 'trapezoid': return [[o, 0], [w - o, 0], [w, h], [0, h]]
    case 'arrow-right': { const oy = h * 0.16; return [[0, oy], [w - o, oy], [w - o, 0], [w, h / 2], [w - o, h], [w - o, h - oy], [0, h - oy]] }
    case 'arrow-left': { const oy = h * 0.16; return [[o, 0], [o, oy], [w, oy], [w, h - oy], [o, h - oy], [o, h], [0, h / 2]] }
    case 'arrow-up': { const ox = w * 0.16; return [[w / 2, 0], [w, o], [w - ox, o], [w - ox, h], [ox, h], [ox, o], [0, o]] }
    case 'arrow-down': { const ox = w * 0.16; return [[ox, 0], [w - ox, 0], [w - ox, h - o], [w, h - o], [w / 2, h], [0, h - o], [ox, h - o]] }
    default: return undefined
  }
}

/** The smooth kinds: their path and its length (for dashes). */
function curvedOutline(geo: string, w: number, h: number, id: string, size: string): { d: string; length: number } | undefined {
  if (geo === 'ellipse') return { d: `M0,${f2(h / 2)}a${f2(w / 2)},${f2(h / 2)},0,1,1,${f2(w)},0a${f2(w / 2)},${f2(h / 2)},0,1,1,${f2(-w)},0`, length: ellipsePerimeter(w / 2, h / 2) }
  if (geo === 'oval') {
    const r = Math.min(w, h) / 2
    const d = h > w
      ? `M0,${f2(r)}a${f2(r)},${f2(r)},0,1,1,${f2(2 * r)},0L${f2(w)},${f2(h - r)}a${f2(r)},${f2(r)},0,1,1,${f2(-2 * r)},0Z`
      : `M${f2(r)},0L${f2(w - r)},0a${f2(r)},${f2(r)},0,1,1,0,${f2(2 * r)}L${f2(r)},${f2(h)}a${f2(r)},${f2(r)},0,1,1,0,${f2(-2 * r)}Z`
    return { d, length: 2 * Math.PI * r + 2 * Math.abs(w - h) }
  }
  if (geo === 'cloud') return cloud(w, h, id, size)
  return undefined
}

/** Bumps around the box, each an arc through its neighbours, jittered by the shape's id. */
function cloud(w: number, h: number, id: string, size: string): { d: string; length: number } {
  const perimeter = ellipsePerimeter(w / 2, h / 2)
  const bumpSize = { s: 50, m: 70, l: 100, xl: 130 }[size] ?? 70
  const bumps = Math.max(Math.ceil(perimeter / bumpSize), 6, Math.ceil(perimeter / Math.max(1, Math.min(w, h))))
  const rng = seededRandom(id, 'full')
  const wiggle = w < 20 || h < 20 ? 0 : (perimeter / bumps) * 0.2 * 0.3
  const inset = (perimeter / bumps) * 0.2
  const pts = Array.from({ length: bumps }, (_, i): Pt => {
    const a = (i / bumps) * 2 * Math.PI
    return [w / 2 + (w / 2 - inset) * Math.cos(a) + rng() * wiggle, h / 2 + (h / 2 - inset) * Math.sin(a) + rng() * wiggle]
  })
  let d = `M${f2(pts[0]![0])},${f2(pts[0]![1])}`
  let length = 0
  pts.forEach((p, i) => {
    const q = pts[(i + 1) % bumps]!
    const r = dist(p, q) * 0.6
    length += r * Math.PI * 0.7
    d += `A${f2(r)},${f2(r)} 0 0,1 ${f2(q[0])},${f2(q[1])}`
  })
  return { d: `${d}Z`, length }
}

/** tldraw 2's rounded, jittered polygon points and the ink path through them (polygon-helpers). */
function roundedPoints(id: string, outline: Pt[], offset: number, roundness: number, passes: number): Pt[] {
  const rng = seededRandom(id, 'full')
  const out: Pt[] = []
  let p0 = outline[0]!
  for (let i = 0; i < outline.length * passes; i++) {
    const p1 = add(outline[(i + 1) % outline.length]!, [rng() * offset, rng() * offset])
    const v = mul(unit(sub(p1, p0)), Math.min(dist(p0, p1) / 4, roundness))
    out.push(add(p0, v), sub(p1, v), p1)
    p0 = p1
  }
  return out
}
const inkyPath = (pts: Pt[]) => {
  let d = 'M'
  for (let i = 0; i + 2 < pts.length; i += 3) d += `${f2(pts[i]![0])},${f2(pts[i]![1])}L${f2(pts[i + 1]![0])},${f2(pts[i + 1]![1])}Q${f2(pts[i + 2]![0])},${f2(pts[i + 2]![1])} `
  return `${d}${f2(pts[0]![0])},${f2(pts[0]![1])}`
}

function extraLines(geo: string, w: number, h: number, sw: number, dash: string): Array<[Pt, Pt]> {
  if (geo === 'x-box') {
    const i = dash === 'draw' ? sw * 0.62 : 0
    return [[[i, i], [w - i, h - i]], [[i, h - i], [w - i, i]]]
  }
  if (geo === 'check-box') {
    const s = Math.min(w, h) * 0.82, [ox, oy] = [(w - s) / 2, (h - s) / 2]
    return [[[ox + 0.25 * s, oy + 0.52 * s], [ox + 0.45 * s, oy + 0.82 * s]], [[ox + 0.45 * s, oy + 0.82 * s], [ox + 0.82 * s, oy + 0.22 * s]]]
  }
  return []
}

function label(p: Json, w: number, h: number): { svg: string; height: number } {
  const text = String(p.text ?? '').replace(/\r\n?/g, '\n')
  if (!text.trim()) return { svg: '', height: 0 }
  const size = LABEL_FONT_SIZES[sizeKey(p.size)]!
  const box = { text, face: fontOf(p.font), size, lineHeight: LINE_HEIGHT, align: alignOf(p.align), x: 16, y: 0, wrap: Math.max(1, w - 32), boxWidth: w - 32, fill: colourOf(p.labelColor ?? 'black').solid, halo: BACKGROUND }
  const measured = textSvg(box)
  const top = p.verticalAlign === 'start' ? 16 : p.verticalAlign === 'end' ? h - 16 - measured.height : (h - measured.height) / 2
  return { svg: textSvg({ ...box, y: top }).svg, height: measured.height + 32 }
}

/** A geo shape in its own coordinates; its box grows (growY) when the label needs more height. */
export function v2Geo(shape: Json): string | undefined {
  const p: Json = shape.props ?? {}
  const geo = String(p.geo ?? 'rectangle')
  const w = Math.max(1, num(p.w, 1))
  const labelHeight = label(p, w, 0).height
  const h = Math.max(1, num(p.h, 1) + Math.max(num(p.growY), labelHeight > num(p.h, 1) ? labelHeight - num(p.h, 1) : 0))
  const sw = STROKE_SIZES[sizeKey(p.size)]!, dash = dashOf(p.dash), stroke = colourOf(p.color).solid
  const vertices = geoVertices(geo, w, h)
  const curved = vertices ? undefined : curvedOutline(geo, w, h, String(shape.id ?? ''), sizeKey(p.size))
  if (!vertices && !curved) return undefined
  const lines = extraLines(geo, w, h, sw, dash)
  const linesD = lines.map(([a, b]) => `M${f2(a[0])},${f2(a[1])}L${f2(b[0])},${f2(b[1])}`).join('')
  let body: string
  if (curved) {
    body = `${shapeFill(p.fill, p.color, curved.d)}<path d="${curved.d}" fill="none" stroke="${stroke}" stroke-width="${f2(sw)}"${dashAttrs(dashV2(curved.length < 64 ? curved.length * 2 : curved.length, sw, dash, { closed: true, snap: 4 }))}/>`
  } else if (dash === 'draw') {
    const fill = shapeFill(p.fill, p.color, inkyPath(roundedPoints(String(shape.id ?? ''), vertices!, 0, sw * 2, 1)))
    body = `${fill}<path d="${inkyPath(roundedPoints(String(shape.id ?? ''), vertices!, sw / 3, sw * 2, 2))}${linesD}" fill="none" stroke="${stroke}" stroke-width="${f2(sw)}"/>`
  } else if (dash === 'solid') {
    body = `${shapeFill(p.fill, p.color, polygonD(vertices!))}<path d="${polygonD(vertices!)}${linesD}" fill="none" stroke="${stroke}" stroke-width="${f2(sw)}"/>`
  } else {
    const edge = (a: Pt, b: Pt, o: Parameters<typeof dashV2>[3]) => `<line x1="${f2(a[0])}" y1="${f2(a[1])}" x2="${f2(b[0])}" y2="${f2(b[1])}"${dashAttrs(dashV2(dist(a, b), sw, dash, o))}/>`
    const edges = vertices!.map((a, i) => edge(a, vertices![(i + 1) % vertices!.length]!, {}))
    const extras = lines.map(([a, b]) => edge(a, b, { start: 'skip', end: 'outset', snap: dash === 'dotted' ? 4 : undefined }))
    body = `${shapeFill(p.fill, p.color, polygonD(vertices!))}<g stroke="${stroke}" stroke-width="${f2(sw)}" fill="none">${edges.join('')}${extras.join('')}</g>`
  }
  return `<g stroke-linecap="round" stroke-linejoin="round">${body}</g>${label(p, w, h).svg}`
}
