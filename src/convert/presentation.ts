import { XMLParser } from 'fast-xml-parser'
import type { ChatItem } from './chat.ts'
import { ConvertError } from './errors.ts'
import { face } from './fonts.ts'
import { wrapLines } from './tldraw/text.ts'
import { declaresEntities } from '../xml.ts'

/** The published presentation, as plain data: every time is in seconds on the media timeline. */
export interface Presentation {
  recordId: string
  name: string
  durationS: number
  slides: Slide[]
  ink: InkVersion[]
  panzooms: PanZoom[]
  cursor: CursorEvent[]
  deskshare: DeskshareInterval[]
  /** True for BBB 2.6+ files, whose zoom and cursor coordinates follow tldraw's camera. */
  tldraw: boolean
  /** tldraw.json's bbb_version: it sets the page scale of tldraw coordinates. */
  bbbVersion?: string
  /** The public chat (slides_new.xml) and the published polls (polls.json). */
  chat: ChatItem[]
  polls: ChatItem[]
}

export interface Slide {
  id: string
  in: number
  out: number
  href: string
  width: number
  height: number
  /** The slide's text file (textfiles/slide-N.txt), named even when BBB wrote none. */
  textHref?: string
}

/** One version of one annotation: shown from `timestamp` until `undo` (or a newer version). */
export interface InkVersion {
  slideId: string
  shape: string
  timestamp: number
  undo: number
  /** SVG markup in slide coordinates, already made visible and stripped of anything active. */
  svg: string
  /** Images the markup refers to (poll results), as `{{href:N}}` placeholders to inline. */
  images: string[]
}

export interface PanZoom {
  t: number
  viewBox: [number, number, number, number]
}

/** Cursor position in fractions of the current viewBox; x < 0 means hidden. */
export interface CursorEvent {
  t: number
  x: number
  y: number
}

export interface DeskshareInterval {
  start: number
  stop: number
  width: number
  height: number
}

type Node = Record<string, unknown>
const ATTRS = ':@'

// Values stay strings; `htmlEntities` decodes character references (&#233;) as in bbb/recording.ts.
const ordered = new XMLParser({
  preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false,
  parseAttributeValue: false, trimValues: false, processEntities: true, htmlEntities: true,
})
const plain = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, htmlEntities: true, isArray: (name) => name === 'event' })

/** Published files are generated, never hand-made: a DTD internal subset is refused outright. */
function checkXml(text: string, file: string): string {
  if (declaresEntities(text)) throw new ConvertError(`${file} declares entities; refused`)
  if (!/^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?</.test(text)) throw new ConvertError(`${file} is not XML`)
  return text
}

function parsePlain(text: string, file: string): Node {
  try {
    return plain.parse(checkXml(text, file), true) as Node
  } catch (error) {
    throw new ConvertError(error instanceof ConvertError ? error.message : `${file} is malformed: ${(error as Error).message}`)
  }
}

const num = (value: unknown, fallback = NaN): number => {
  const n = Number.parseFloat(String(value ?? ''))
  return Number.isFinite(n) ? n : fallback
}

export function parseMetadata(text: string): { recordId: string; name: string; durationS: number } {
  const root = parsePlain(text, 'metadata.xml').recording as Node | undefined
  const playback = root?.playback as Node | undefined
  const durationMs = num(playback?.duration)
  if (!root || !(durationMs > 0)) throw new ConvertError('metadata.xml has no playback duration')
  const meeting = (root.meeting ?? {}) as Node
  return { recordId: String(root.id ?? ''), name: String(meeting.name ?? ''), durationS: durationMs / 1000 }
}

function events(text: string | null, file: string, id: string): Node[] {
  if (!text) return []
  const root = parsePlain(text, file).recording as Node | undefined
  if (!root) throw new ConvertError(`${file} has no <recording> root`)
  if (root.id !== undefined && root.id !== id) throw new ConvertError(`${file} is not a ${id} file`)
  return (root.event as Node[] | undefined) ?? []
}

export function parsePanzooms(text: string | null): { panzooms: PanZoom[]; tldraw: boolean } {
  const tldraw = !!text && /<recording[^>]*tldraw="true"/.test(text)
  const panzooms = events(text, 'panzooms.xml', 'panzoom_events').flatMap((e) => {
    const box = String(e.viewBox ?? '').trim().split(/\s+/).map((v) => num(v))
    return box.length === 4 && box.every(Number.isFinite) && box[2]! > 0 && box[3]! > 0 ? [{ t: num(e.timestamp, 0), viewBox: box as PanZoom['viewBox'] }] : []
  })
  return { panzooms: panzooms.sort((a, b) => a.t - b.t), tldraw }
}

export function parseCursor(text: string | null): CursorEvent[] {
  return events(text, 'cursor.xml', 'cursor_events')
    .flatMap((e) => {
      const [x, y] = String(e.cursor ?? '').trim().split(/\s+/).map((v) => num(v))
      return Number.isFinite(x) && Number.isFinite(y) ? [{ t: num(e.timestamp, 0), x: x!, y: y! }] : []
    })
    .sort((a, b) => a.t - b.t)
}

export function parseDeskshare(text: string | null): DeskshareInterval[] {
  return events(text, 'deskshare.xml', 'deskshare_events')
    .map((e) => ({ start: num(e.start_timestamp), stop: num(e.stop_timestamp), width: num(e.video_width, 0), height: num(e.video_height, 0) }))
    .filter((d) => d.stop > d.start)
    .sort((a, b) => a.start - b.start)
}

export function parseCaptions(text: string | null): Array<{ locale: string; name: string }> {
  if (!text) return []
  let list: unknown
  try {
    list = JSON.parse(text)
  } catch {
    throw new ConvertError('captions.json is malformed')
  }
  if (!Array.isArray(list)) return []
  return list.flatMap((c: Node) => (typeof c?.locale === 'string' && /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/.test(c.locale) ? [{ locale: c.locale, name: String(c.localeName ?? c.locale) }] : []))
}

// ---- shapes.svg ----

const tagOf = (node: Node): string => Object.keys(node).find((k) => k !== ATTRS) ?? ''
const attrsOf = (node: Node): Record<string, string> => (node[ATTRS] as Record<string, string> | undefined) ?? {}
const childrenOf = (node: Node): Node[] => (node[tagOf(node)] as Node[] | undefined) ?? []

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const escapeAttr = (s: string) => escapeText(s).replace(/"/g, '&quot;')

const DRAWABLE = new Set(['g', 'path', 'line', 'polyline', 'polygon', 'circle', 'ellipse', 'rect', 'text', 'tspan', 'image'])
const SAFE_ATTR = /^(?!on)[a-z][a-z0-9-]*$/i

function textOf(nodes: Node[]): string {
  // HTML rules: whitespace runs are one space, only <br> breaks a line.
  return nodes.map((n) => ('#text' in n ? String(n['#text']).replace(/\s+/g, ' ') : tagOf(n) === 'br' ? '\n' : textOf(childrenOf(n)))).join('')
}

function styleValue(style: string, name: string): string | undefined {
  return new RegExp(`(?:^|;)\\s*${name}\\s*:\\s*([^;]+)`, 'i').exec(style)?.[1]?.trim()
}

/**
 * BBB writes text ink as an HTML paragraph in a foreignObject; resvg draws SVG only, so it is
 * wrapped here as the browser wraps it, by the measured widths of DejaVu Sans's glyphs (the
 * player's browser falls back to a sans-serif font for BBB's "Arial").
 */
function foreignTextToSvg(fo: Node, groupStyle: string): string {
  const a = attrsOf(fo)
  const x = num(a.x, 0), y = num(a.y, 0), width = num(a.width, 0)
  const size = num(styleValue(groupStyle, 'font-size'), 24)
  const colour = styleValue(groupStyle, 'color') ?? '#000000'
  const family = styleValue(groupStyle, 'font-family') ?? 'Arial'
  const dejavu = face('dejavu')
  const text = textOf(childrenOf(fo)).trim().split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).join('\n')
  const lines = wrapLines(text, (s) => dejavu.width(s, size), width > 0 ? width : undefined)
  if (!lines.some((l) => l.trim().length)) return ''
  const tspans = lines.map((l, i) => `<tspan x="${x}" dy="${i === 0 ? size : size * 1.2}">${escapeText(l.trim())}</tspan>`).join('')
  return `<text x="${x}" y="${y}" font-size="${size}" font-family="${escapeAttr(family)}, DejaVu Sans, sans-serif" fill="${escapeAttr(colour)}" xml:space="preserve">${tspans}</text>`
}

/** Re-serialises an annotation with an allow-list of elements and attributes (no scripts, no foreign hrefs). */
function serialiseInk(node: Node, images: string[], groupStyle: string): string {
  const tag = tagOf(node)
  if ('#text' in node) return String(node['#text']).trim() ? escapeText(String(node['#text'])) : ''
  if (tag === 'switch') return childrenOf(node).map((c) => serialiseInk(c, images, groupStyle)).join('')
  if (tag === 'foreignObject') return foreignTextToSvg(node, groupStyle)
  if (!DRAWABLE.has(tag)) return ''
  const attrs = attrsOf(node)
  let out = `<${tag}`
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'href' || name === 'xlink:href') {
      if (tag !== 'image') continue
      images.push(value)
      out += ` href="{{href:${images.length - 1}}}"`
    } else if (SAFE_ATTR.test(name)) {
      out += ` ${name}="${escapeAttr(name === 'style' ? value.replace(/visibility\s*:\s*hidden/gi, 'visibility:visible') : value)}"`
    }
  }
  return `${out}>${childrenOf(node).map((c) => serialiseInk(c, images, groupStyle)).join('')}</${tag}>`
}

export function parseShapes(text: string): { slides: Slide[]; ink: InkVersion[] } {
  let doc: Node[]
  try {
    doc = ordered.parse(checkXml(text, 'shapes.svg')) as Node[]
  } catch (error) {
    throw new ConvertError(error instanceof ConvertError ? error.message : `shapes.svg is malformed: ${(error as Error).message}`)
  }
  const svg = doc.find((n) => tagOf(n) === 'svg')
  if (!svg) throw new ConvertError('shapes.svg has no <svg> root')
  const slides: Slide[] = []
  const ink: InkVersion[] = []
  for (const node of childrenOf(svg)) {
    const tag = tagOf(node)
    const a = attrsOf(node)
    if (tag === 'image' && /\bslide\b/.test(a.class ?? '')) {
      const href = a['xlink:href'] ?? a.href
      if (!href) continue
      // BBB 2.3+ lists every time a slide was shown: in="0.0 50.3" out="20.1 70.5".
      const ins = String(a.in ?? '0').trim().split(/\s+/).map((v) => num(v, 0))
      const outs = String(a.out ?? '').trim().split(/\s+/).map((v) => num(v, Infinity))
      ins.forEach((start, k) => slides.push({ id: a.id ?? `image${slides.length + 1}`, in: start, out: outs[k] ?? Infinity, href, width: num(a.width, 1600), height: num(a.height, 900), textHref: a.text }))
    } else if (tag === 'g' && /\bcanvas\b/.test(a.class ?? '')) {
      const slideId = a.image ?? ''
      for (const shape of childrenOf(node)) {
        const s = attrsOf(shape)
        if (tagOf(shape) !== 'g' || !/\bshape\b/.test(s.class ?? '')) continue
        const images: string[] = []
        const style = s.style ?? ''
        const body = childrenOf(shape).map((c) => serialiseInk(c, images, style)).join('')
        const visibleStyle = style.replace(/visibility\s*:\s*hidden/gi, 'visibility:visible')
        ink.push({
          slideId, shape: s.shape ?? s.id ?? `shape${ink.length}`, timestamp: num(s.timestamp, 0), undo: num(s.undo, -1), images,
          svg: `<g style="${escapeAttr(visibleStyle)}">${body}</g>`,
        })
      }
    }
  }
  return { slides: slides.sort((x, y) => x.in - y.in), ink: ink.sort((x, y) => x.timestamp - y.timestamp) }
}
