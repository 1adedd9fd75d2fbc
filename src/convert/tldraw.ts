import type { InkVersion, Slide } from './presentation.ts'

/**
 * BBB 2.6+ records the whiteboard as tldraw shapes (tldraw.json) instead of SVG in shapes.svg:
 * tldraw v1 shapes (`point`, `style`) up to BBB 2.7, tldraw v2 shapes (`x`, `y`, `props`) from
 * BBB 3.0. This draws the common kinds as SVG in the slide's pixel coordinates; other kinds are
 * skipped with one warning each.
 */

type Json = Record<string, any>

const COLOURS: Record<string, string> = {
  black: '#1d1d1d', grey: '#9fa8b2', gray: '#9fa8b2', 'light-violet': '#e085f4', violet: '#ae3ec9', blue: '#4465e9', 'light-blue': '#4ba1f1',
  yellow: '#f1ac4b', orange: '#e16919', green: '#099268', 'light-green': '#4cb05e', 'light-red': '#f87777', red: '#e03131', white: '#ffffff',
}
const STROKE: Record<string, number> = { s: 2, m: 3.5, l: 5, xl: 10, small: 2, medium: 3.5, large: 5 }
const FONT: Record<string, number> = { s: 18, m: 24, l: 36, xl: 44, small: 18, medium: 24, large: 36 }

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const n = (v: unknown, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback)
const colour = (name: unknown) => COLOURS[String(name)] ?? (/^#[0-9a-f]{3,8}$/i.test(String(name)) ? String(name) : COLOURS.black!)

function textLines(text: unknown, x: number, y: number, size: number, fill: string, anchor = 'start'): string {
  const lines = String(text ?? '').split('\n')
  if (!lines.some((l) => l.trim())) return ''
  const spans = lines.map((l, i) => `<tspan x="${x}" dy="${i === 0 ? size : size * 1.25}">${esc(l)}</tspan>`).join('')
  return `<text x="${x}" y="${y}" font-size="${size}" font-family="DejaVu Sans, sans-serif" fill="${fill}" text-anchor="${anchor}" xml:space="preserve">${spans}</text>`
}

function geoPath(kind: string, w: number, h: number): string | undefined {
  switch (kind) {
    case 'rectangle': case 'rect': return `<rect width="${w}" height="${h}"/>`
    case 'ellipse': case 'oval': return `<ellipse cx="${w / 2}" cy="${h / 2}" rx="${w / 2}" ry="${h / 2}"/>`
    case 'triangle': return `<polygon points="${w / 2},0 ${w},${h} 0,${h}"/>`
    case 'diamond': return `<polygon points="${w / 2},0 ${w},${h / 2} ${w / 2},${h} 0,${h / 2}"/>`
    case 'rhombus': return `<polygon points="${w * 0.25},0 ${w},0 ${w * 0.75},${h} 0,${h}"/>`
    case 'hexagon': return `<polygon points="${w * 0.25},0 ${w * 0.75},0 ${w},${h / 2} ${w * 0.75},${h} ${w * 0.25},${h} 0,${h / 2}"/>`
    case 'star': {
      const pts = Array.from({ length: 10 }, (_, i) => {
        const r = i % 2 ? 0.4 : 1, a = (Math.PI / 5) * i - Math.PI / 2
        return `${w / 2 + (Math.cos(a) * r * w) / 2},${h / 2 + (Math.sin(a) * r * h) / 2}`
      })
      return `<polygon points="${pts.join(' ')}"/>`
    }
    default: return undefined
  }
}

const polyline = (points: Array<[number, number]>) => (points.length ? `M${points.map(([x, y]) => `${x} ${y}`).join('L')}` : '')

function arrow(start: [number, number], end: [number, number], stroke: string, width: number): string {
  const angle = Math.atan2(end[1] - start[1], end[0] - start[0]), head = 6 * width + 8
  const wing = (a: number) => `${end[0] - head * Math.cos(angle + a)} ${end[1] - head * Math.sin(angle + a)}`
  return `<path d="M${start[0]} ${start[1]}L${end[0]} ${end[1]}M${wing(0.45)}L${end[0]} ${end[1]}L${wing(-0.45)}" stroke="${stroke}" stroke-width="${width}" fill="none" stroke-linecap="round" stroke-linejoin="round"/>`
}

/** tldraw v2 (BBB 3.0): shapes in page coordinates with `x`, `y`, `rotation` and `props`. */
function v2Shape(shape: Json): string | undefined {
  const p: Json = shape.props ?? {}
  const stroke = colour(p.color), width = STROKE[p.size] ?? 3.5
  const fill = p.fill === 'solid' ? stroke : p.fill === 'semi' ? '#f8f9fa' : 'none'
  let body: string | undefined
  switch (shape.type) {
    case 'draw': case 'highlight': {
      const points: Array<[number, number]> = (p.segments ?? []).flatMap((s: Json) => (s.points ?? []).map((pt: Json) => [n(pt.x), n(pt.y)]))
      const w = shape.type === 'highlight' ? width * 5 : width
      body = `<path d="${polyline(points)}${p.isClosed ? 'Z' : ''}" stroke="${stroke}" stroke-width="${w}" fill="${p.isClosed ? fill : 'none'}" stroke-linecap="round" stroke-linejoin="round"${shape.type === 'highlight' ? ' stroke-opacity="0.4"' : ''}/>`
      break
    }
    case 'geo': {
      const w = n(p.w, 1), h = n(p.h, 1), path = geoPath(p.geo ?? 'rectangle', w, h)
      if (!path) return undefined
      body = `<g stroke="${stroke}" stroke-width="${width}" fill="${fill}">${path}</g>${textLines(p.text, w / 2, h / 2 - (FONT[p.size] ?? 24) / 2, FONT[p.size] ?? 24, stroke, 'middle')}`
      break
    }
    case 'line': {
      const handles = p.points ? Object.values(p.points as Json) : Object.values((p.handles ?? {}) as Json)
      const points = (handles as Json[]).sort((a, b) => String(a.index ?? '').localeCompare(String(b.index ?? ''))).map((h): [number, number] => [n(h.x), n(h.y)])
      body = `<path d="${polyline(points)}" stroke="${stroke}" stroke-width="${width}" fill="none" stroke-linecap="round"/>`
      break
    }
    case 'arrow':
      body = arrow([n(p.start?.x), n(p.start?.y)], [n(p.end?.x), n(p.end?.y)], stroke, width)
      break
    case 'text':
      body = textLines(p.text, 0, 0, (FONT[p.size] ?? 24) * n(p.scale, 1), stroke)
      break
    case 'note': {
      const size = 200
      body = `<rect width="${size}" height="${size}" fill="${colour(p.color)}" fill-opacity="0.9"/>${textLines(p.text, 12, 12, FONT[p.size] ?? 24, '#1d1d1d')}`
      break
    }
    default: return undefined
  }
  return `<g transform="translate(${n(shape.x)} ${n(shape.y)}) rotate(${(n(shape.rotation) * 180) / Math.PI})" opacity="${n(shape.opacity, 1)}">${body}</g>`
}

/** tldraw v1 (BBB 2.6–2.7): `point`, `size`, `points`, `handles`, `style`. */
function v1Shape(shape: Json): string | undefined {
  const style: Json = shape.style ?? {}
  const stroke = colour(style.color), width = (STROKE[style.size] ?? 3.5) * n(style.scale, 1)
  const fill = style.isFilled ? stroke : 'none'
  const [w, h] = [n(shape.size?.[0], 1), n(shape.size?.[1], 1)]
  let body: string | undefined
  switch (shape.type) {
    case 'draw':
      body = `<path d="${polyline((shape.points ?? []).map((pt: number[]): [number, number] => [n(pt[0]), n(pt[1])]))}" stroke="${stroke}" stroke-width="${width}" fill="none" stroke-linecap="round" stroke-linejoin="round"/>`
      break
    case 'rectangle': case 'ellipse': case 'triangle':
      body = `<g stroke="${stroke}" stroke-width="${width}" fill="${fill}">${geoPath(shape.type, w, h)}</g>`
      break
    case 'arrow': {
      const hs: Json = shape.handles ?? {}
      body = arrow([n(hs.start?.point?.[0]), n(hs.start?.point?.[1])], [n(hs.end?.point?.[0]), n(hs.end?.point?.[1])], stroke, width)
      break
    }
    case 'text':
      body = textLines(shape.text, 0, 0, (FONT[style.size] ?? 24) * n(style.scale, 1), stroke)
      break
    case 'sticky':
      body = `<rect width="${w || 200}" height="${h || 200}" fill="${stroke}" fill-opacity="0.9"/>${textLines(shape.text, 12, 12, FONT[style.size] ?? 24, '#1d1d1d')}`
      break
    default: return undefined
  }
  const [x, y] = [n(shape.point?.[0]), n(shape.point?.[1])]
  const rotation = (n(shape.rotation) * 180) / Math.PI
  return `<g transform="translate(${x} ${y}) rotate(${rotation} ${w / 2} ${h / 2})">${body}</g>`
}

/** Page units per slide pixel, as bbb-playback sizes the slide on tldraw's page. */
export function tldrawScale(slide: Pick<Slide, 'width' | 'height'>, bbbVersion: string | undefined): number {
  const [major = 0, minor = 0, patch = 0] = (bbbVersion ?? '3').split(/[.-]/).map(Number)
  const modern = major > 2 || (major === 2 && (minor > 6 || (minor === 6 && patch >= 1)))
  const [maxW, maxH] = modern ? [1440, 1080] : [2048, 1536]
  return Math.min(maxW / slide.width, maxH / slide.height)
}

/** tldraw.json → annotation versions like shapes.svg's, in slide pixel coordinates. */
export function parseTldraw(text: string, slides: Slide[], warn: (message: string) => void): { ink: InkVersion[]; bbbVersion?: string } {
  let doc: Json
  try {
    doc = JSON.parse(text)
  } catch {
    warn('tldraw.json is malformed: its annotations are not drawn')
    return { ink: [] }
  }
  const bbbVersion = typeof doc.bbb_version === 'string' ? doc.bbb_version : undefined
  const skipped = new Set<string>()
  const ink: InkVersion[] = []
  for (const [key, page] of Object.entries(doc)) {
    if (!/^\d+$/.test(key) || !Array.isArray((page as Json)?.shapes)) continue
    const slide = slides.find((s) => s.id === `image${key}`)
    if (!slide) continue
    const scale = tldrawScale(slide, bbbVersion)
    for (const entry of (page as Json).shapes as Json[]) {
      const data: Json = entry?.shape_data ?? {}
      const svg = data.props ? v2Shape(data) : v1Shape(data)
      if (svg === undefined) {
        skipped.add(String(data.type))
        continue
      }
      ink.push({ slideId: slide.id, shape: String(entry.id ?? data.id), timestamp: n(entry.timestamp), undo: n(entry.undo, -1), images: [], svg: `<g transform="scale(${1 / scale})">${svg}</g>` })
    }
  }
  for (const kind of skipped) warn(`tldraw.json: shapes of kind "${kind}" are not drawn`)
  return { ink: ink.sort((a, b) => a.timestamp - b.timestamp), bbbVersion }
}
