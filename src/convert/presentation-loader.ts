import type { AssetSource } from './asset-source.ts'
import { parseChat, parsePolls } from './chat.ts'
import { ConvertError } from './errors.ts'
import { parseTldraw } from './tldraw/index.ts'
import { parseCursor, parseDeskshare, parseMetadata, parsePanzooms, parseShapes, type Presentation } from './presentation.ts'
import type { WarningLog } from '../log.ts'

const MiB = 1024 * 1024
export const XML_MAX_BYTES = 64 * MiB

const text = (data: Buffer | null) => (data ? data.toString('utf8') : null)

/** Reads and parses every description file of a presentation; metadata.xml is the only required one. */
export async function loadPresentation(source: AssetSource, log: WarningLog): Promise<Presentation> {
  const read = (rel: string) => source.read(rel, XML_MAX_BYTES)
  const [metadata, shapes, panzooms, cursor, deskshare, tldraw, chat, polls] = await Promise.all([
    read('metadata.xml'), read('shapes.svg'), read('panzooms.xml'), read('cursor.xml'), read('deskshare.xml'), read('tldraw.json'), read('slides_new.xml'), read('polls.json'),
  ])
  if (!metadata) throw new ConvertError(`metadata.xml is missing from ${source.label}: is this a published presentation recording?`)
  const meta = parseMetadata(metadata.toString('utf8'))
  const { slides, ink: svgInk } = shapes ? parseShapes(shapes.toString('utf8')) : { slides: [], ink: [] }
  if (!shapes) log.warn('shapes.svg is missing: the picture stays blank')
  const zoom = parsePanzooms(text(panzooms))
  // BBB 2.6+ keeps the whiteboard in tldraw.json; older versions in shapes.svg.
  const fromTldraw = tldraw ? parseTldraw(tldraw.toString('utf8'), slides, log) : undefined
  return {
    recordId: meta.recordId, name: meta.name, durationS: meta.durationS, slides,
    ink: [...svgInk, ...(fromTldraw?.ink ?? [])].sort((a, b) => a.timestamp - b.timestamp),
    panzooms: zoom.panzooms, tldraw: zoom.tldraw || !!fromTldraw, bbbVersion: fromTldraw?.bbbVersion,
    cursor: parseCursor(text(cursor)), deskshare: parseDeskshare(text(deskshare)), chat: parseChat(text(chat)), polls: parsePolls(text(polls)),
  }
}
