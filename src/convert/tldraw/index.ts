import type { InkVersion, Slide } from '../presentation.ts'
import { f2 } from './geometry.ts'
import { v1Shape } from './v1-shapes.ts'
import { v2Shape } from './v2-shapes.ts'
import type { Json } from './geometry.ts'
import type { WarningLog } from '../../log.ts'

/**
 * BBB 2.6+ keeps the whiteboard in tldraw.json: per slide shown, every version of every shape,
 * each the whole record (`shape_data`), shown from `timestamp` until `undo`. bbb-playback draws
 * it with tldraw 2 when `bbb_version` ≥ 3.0.0 (semver: a 3.0 pre-release or no version is tldraw 1)
 * and tldraw 1 otherwise (src/components/player/content/index.js); the shapes carry the same
 * structure as the version that drew them, so each is drawn by its own kind's rules.
 */

/** Semver's order of "major.minor.patch[-pre]": a pre-release comes before its release. */
function versionAtLeast(version: string | undefined, wanted: [number, number, number]): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?/.exec(version?.trim() ?? '')
  if (!match) return false
  const parts = [Number(match[1]), Number(match[2]), Number(match[3])]
  for (let i = 0; i < 3; i++) if (parts[i] !== wanted[i]) return parts[i]! > wanted[i]!
  return !match[4]
}

const usesTldraw2 = (bbbVersion: string | undefined) => versionAtLeast(bbbVersion, [3, 0, 0])

/**
 * Where a slide sits on tldraw's page (bbb-playback components/tldraw/index.js, components/tldraw_v2/index.js): scaled to fit
 * 1440×1080 (2048×1536 for tldraw 1 before BBB 2.6.1, or with no version), at (1, 1) in tldraw 2.
 */
export function tldrawPage(slide: Pick<Slide, 'width' | 'height'>, bbbVersion: string | undefined): { scale: number; offset: number } {
  const modern = usesTldraw2(bbbVersion) || versionAtLeast(bbbVersion, [2, 6, 1])
  const [maxW, maxH] = modern ? [1440, 1080] : [2048, 1536]
  return { scale: Math.min(maxW / slide.width, maxH / slide.height), offset: usesTldraw2(bbbVersion) ? 1 : 0 }
}

/** Each shape's versions on one page, to find what a bound arrow points at. */
function pageLookup(entries: Json[]) {
  const byId = new Map<string, Json[]>()
  for (const e of entries) {
    const data: Json = e?.shape_data ?? {}
    const id = String(data.id ?? e.id)
    byId.set(id, [...(byId.get(id) ?? []), { ...data, timestamp: Number(e.timestamp) || 0 }])
  }
  // The bound shape as it was when the arrow was drawn (its first version if it came later).
  return (at: number) => (id: string) => {
    const versions = byId.get(id) ?? []
    return versions.filter((v) => v.timestamp <= at).at(-1) ?? versions[0]
  }
}

/** tldraw.json → annotation versions like shapes.svg's, in slide pixel coordinates. */
export function parseTldraw(text: string, slides: Slide[], log: WarningLog): { ink: InkVersion[]; bbbVersion?: string } {
  let doc: Json
  try {
    doc = JSON.parse(text)
  } catch {
    log.warn('tldraw.json is malformed: its annotations are not drawn')
    return { ink: [] }
  }
  const bbbVersion = typeof doc.bbb_version === 'string' ? doc.bbb_version : undefined
  const skipped = new Set<string>()
  const ink: InkVersion[] = []
  for (const [key, page] of Object.entries(doc)) {
    if (!/^\d+$/.test(key) || !Array.isArray((page as Json)?.shapes)) continue
    const slide = slides.find((s) => s.id === `image${key}`)
    if (!slide) continue
    const { scale, offset } = tldrawPage(slide, bbbVersion)
    const entries = (page as Json).shapes as Json[]
    const lookup = pageLookup(entries)
    for (const entry of entries) {
      const data: Json = entry?.shape_data ?? {}
      const timestamp = Number(entry.timestamp) || 0
      const svg = data.props ? v2Shape(data, lookup(timestamp)) : v1Shape(data)
      if (svg === undefined) {
        skipped.add(String(data.type))
        continue
      }
      const place = `scale(${1 / scale})${offset ? ` translate(${f2(-offset)} ${f2(-offset)})` : ''}`
      // Versions of one shape share its tldraw id (an entry's own id counts events): the newest one shows.
      ink.push({ slideId: slide.id, shape: String(data.id ?? entry.id), timestamp, undo: Number.isFinite(Number(entry.undo)) ? Number(entry.undo) : -1, images: [], svg: `<g transform="${place}">${svg}</g>` })
    }
  }
  for (const kind of skipped) log.warn(`tldraw.json: shapes of kind "${kind}" are not drawn`)
  return { ink: ink.sort((a, b) => a.timestamp - b.timestamp), bbbVersion }
}
