import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js'
import { existsSync } from 'node:fs'
import { LRUCache } from 'lru-cache'
import { fontFilesFor } from './fonts.ts'
import { blendOver, copyRect, CURSOR, evenRect, layerOver, rgbaToI420, sideBySide, union, type Rect } from './pixels.ts'
import type { Presentation } from './presentation.ts'
import type { FrameState } from './timeline.ts'
import type { WarningLog } from '../log.ts'

/** Where the slides go inside the output picture. */
export interface Area {
  width: number
  height: number
}

export type ImageLoader = (href: string) => Promise<Buffer | null>

const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'].filter((f) => existsSync(f))
// resvg reads its fonts at every render: none for a picture without text, else the faces its
// text names and DejaVu Sans for the rest.
const resvgOptions = (svg: string, slide = false): ResvgRenderOptions => ({
  font: !slide && !/<text[\s>]/.test(svg) ? { loadSystemFonts: false }
    : FONT_FILES.length ? { loadSystemFonts: false, fontFiles: [...new Set([...FONT_FILES, ...fontFilesFor(svg)])], defaultFontFamily: 'DejaVu Sans' } : { loadSystemFonts: true },
  logLevel: 'off',
})

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp' }
const dataUrl = (href: string, data: Buffer) => `data:${MIME[/\.([a-z]+)$/i.exec(href)?.[1]?.toLowerCase() ?? ''] ?? 'image/png'};base64,${data.toString('base64')}`

/** The rectangle of the area that shows the viewBox, aspect kept (letterboxed). */
function fitViewBox(viewBox: FrameState['viewBox'], area: Area): { x: number; y: number; w: number; h: number } {
  const scale = Math.min(area.width / viewBox[2], area.height / viewBox[3])
  const w = viewBox[2] * scale, h = viewBox[3] * scale
  return { x: (area.width - w) / 2, y: (area.height - h) / 2, w, h }
}

/**
 * Draws the presentation area (slide, zoom, ink) with resvg and caches the result, so frames that
 * differ only by the cursor cost a copy and a dot.
 */
/** What the renderer keeps of the scene on screen: the slide, the ink under the top stroke and with it, the picture. */
interface Scene {
  key: string
  ink: number[]
  slide: Buffer
  under: Buffer
  layer: Buffer
  picture: Buffer
  content: Buffer
  /** Where each annotation version landed, to clear it when its next version replaces it. */
  boxes: Map<number, Rect | undefined>
  viewBox: FrameState['viewBox']
  area: Area
}

/** How the ink changed from one frame to the next, when it is a change on top only. */
function inkStep(before: number[], after: number[]): { same?: true; removed?: number; added?: number } | undefined {
  const samePrefix = (n: number) => before.length >= n && after.length >= n && before.slice(0, n).every((v, i) => v === after[i])
  if (before.length === after.length && samePrefix(before.length)) return { same: true }
  if (before.length === after.length && before.length && samePrefix(before.length - 1)) return { removed: before.at(-1), added: after.at(-1) }
  if (after.length === before.length + 1 && samePrefix(before.length)) return { added: after.at(-1) }
  return undefined
}

/**
 * The picture: the content (slides, ink) and, when there is one, a column on its right: the chat
 * panel (always) or the cameras' place (while a camera is on, ffmpeg lays them there).
 */
export interface Layout {
  width: number
  height: number
  columnWidth: number
  /** The chat panel's SVG for a number of items shown; without it the column is black. */
  chat?: (items: number) => string
}

export class FrameRenderer {
  /** Every image (slides, poll results) as a data URL, fetched once; null when missing. */
  private readonly images = new Map<string, Promise<string | null>>()
  private readonly slideRasters = new LRUCache<string, Buffer>({ max: 6 })
  private readonly columns = new LRUCache<string, Buffer>({ max: 2 })
  /**
   * Finished pictures by their key. A picture can sit under several keys; once under none (and no
   * longer the scene's), its buffer is used again rather than left to the garbage collector.
   */
  private readonly bases = new LRUCache<string, Buffer>({ max: 6, dispose: (picture) => this.release(picture) })
  private readonly holders = new Map<Buffer, number>()
  private readonly spare = new Map<number, Buffer[]>()
  /** The slide and zoom being drawn, kept from frame to frame while only the ink changes. */
  private scene?: Scene
  readonly frameBytes: number

  constructor(
    private readonly presentation: Presentation,
    private readonly layout: Layout,
    private readonly loadImage: ImageLoader,
    private readonly log: WarningLog,
  ) {
    this.frameBytes = (layout.width * layout.height * 3) / 2
  }

  private keep(key: string, picture: Buffer) {
    this.holders.set(picture, (this.holders.get(picture) ?? 0) + 1)
    this.bases.set(key, picture)
  }

  private release(picture: Buffer) {
    const held = (this.holders.get(picture) ?? 1) - 1
    if (held > 0) return void this.holders.set(picture, held)
    this.holders.delete(picture)
    if (picture === this.scene?.content) return
    const list = this.spare.get(picture.length) ?? []
    if (list.length < 4) this.spare.set(picture.length, [...list, picture])
  }

  /** A copy of `source` in a buffer no picture uses any more, or a new one. */
  private copyOf(source: Buffer): Buffer {
    const reused = this.spare.get(source.length)?.pop()
    if (!reused) return Buffer.from(source)
    source.copy(reused)
    return reused
  }

  /** Where the content goes in a frame: the whole width, or what the column leaves. */
  private areaOf(frame: FrameState): Area {
    const { width, height, columnWidth, chat } = this.layout
    return { width: chat || frame.column ? width - columnWidth : width, height }
  }

  private column(items: number): Buffer {
    const key = String(this.layout.chat ? items : -1)
    const cached = this.columns.get(key)
    if (cached) return cached
    const { columnWidth: width, height, chat } = this.layout
    const svg = chat ? chat(items) : `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"/>`
    const i420 = rgbaToI420(new Resvg(svg, { ...resvgOptions(svg), background: chat ? '#ffffff' : '#000000' }).render().pixels, width, height)
    this.columns.set(key, i420)
    return i420
  }

  private svgFrame(area: Area, viewBox: FrameState['viewBox'], body: string): string {
    const r = fitViewBox(viewBox, area)
    return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${area.width}" height="${area.height}">` +
      `<svg x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" viewBox="${viewBox.join(' ')}" preserveAspectRatio="none">${body}</svg></svg>`
  }

  private image(href: string): Promise<string | null> {
    let image = this.images.get(href)
    if (!image) {
      image = this.loadImage(href).then((data) => {
        if (!data) this.log.warn(`image ${href} is missing; it is left out`)
        return data && dataUrl(href, data)
      })
      this.images.set(href, image)
    }
    return image
  }

  private async slideRaster(frame: FrameState, area: Area): Promise<Buffer> {
    const slide = this.presentation.slides[frame.slide]
    const key = `${slide?.href}|${frame.viewBox.join(',')}|${area.width}`
    const cached = this.slideRasters.get(key)
    if (cached) return cached
    const href = slide && (await this.image(slide.href))
    const body = slide ? `<rect width="${slide.width}" height="${slide.height}" fill="#ffffff"/>${href ? `<image width="${slide.width}" height="${slide.height}" preserveAspectRatio="none" href="${href}"/>` : ''}` : ''
    const svg = this.svgFrame(area, frame.viewBox, body)
    // A slide's own SVG may hold text: DejaVu Sans stands for its fonts.
    const pixels = new Resvg(svg, { ...resvgOptions('', true), background: '#000000' }).render().pixels
    this.slideRasters.set(key, pixels)
    return pixels
  }

  private async inkMarkup(index: number): Promise<string> {
    const version = this.presentation.ink[index]!
    let markup = version.svg
    for (const [n, href] of version.images.entries()) markup = markup.replace(`{{href:${n}}}`, (await this.image(href)) ?? '')
    return markup
  }

  /** The ink of one annotation alone, drawn only over its bounding box and laid over `layer`; where it landed. */
  private async drawShape(layer: Buffer, area: Area, viewBox: FrameState['viewBox'], index: number): Promise<Rect | undefined> {
    const svg = this.svgFrame(area, viewBox, await this.inkMarkup(index))
    const resvg = new Resvg(svg, resvgOptions(svg))
    const box = resvg.getBBox()
    if (!box) return undefined
    // Whole pixels, a margin for antialiasing: the crop draws exactly what the full picture would.
    const x = Math.max(0, Math.floor(box.x) - 2), y = Math.max(0, Math.floor(box.y) - 2)
    const w = Math.min(area.width, Math.ceil(box.x + box.width) + 2) - x, h = Math.min(area.height, Math.ceil(box.y + box.height) + 2) - y
    if (w <= 0 || h <= 0) return undefined
    Object.assign(box, { x, y, width: w, height: h })
    resvg.cropByBBox(box)
    const image = resvg.render()
    layerOver(layer, area.width, image.pixels, image.width, image.height, x, y)
    return { x, y, w, h }
  }

  /** A slide and zoom seen for the first time: every shape drawn, the one on top in a layer of its own. */
  private async freshScene(frame: FrameState, area: Area, key: string): Promise<Scene> {
    const { width, height } = area
    const slide = await this.slideRaster(frame, area)
    // The previous scene's working pictures, when of this size: a slide change allocates nothing.
    const old = this.scene?.area.width === width ? this.scene : undefined
    const under = old ? old.under.fill(0) : Buffer.alloc(width * height * 4)
    const boxes = new Map<number, Rect | undefined>()
    for (const index of frame.ink.slice(0, -1)) boxes.set(index, await this.drawShape(under, area, frame.viewBox, index))
    const layer = old ? (under.copy(old.layer), old.layer) : Buffer.from(under)
    const top = frame.ink.at(-1)
    if (top !== undefined) boxes.set(top, await this.drawShape(layer, area, frame.viewBox, top))
    const picture = old ? (slide.copy(old.picture), old.picture) : Buffer.from(slide)
    if (top !== undefined) blendOver(picture, layer)
    return { key, ink: frame.ink, slide, under, layer, picture, content: rgbaToI420(picture, width, height), boxes, viewBox: frame.viewBox, area }
  }

  /**
   * The next ink of the same scene: the stroke on top replaced by its newer version, or a new one
   * laid on top. Only the pixels of the old and new version are drawn and converted again.
   */
  private async advance(scene: Scene, ink: number[], step: { removed?: number; added?: number }): Promise<Buffer> {
    const { width, height } = scene.area
    // A new stroke on top: the old top joins the layer under it (only its pixels differ there).
    const oldTop = step.removed === undefined && scene.ink.length ? scene.boxes.get(scene.ink.at(-1)!) : undefined
    if (oldTop) copyRect(scene.under, scene.layer, width, oldTop)
    const removedBox = step.removed === undefined ? undefined : scene.boxes.get(step.removed)
    if (removedBox) copyRect(scene.layer, scene.under, width, removedBox)
    const addedBox = step.added === undefined ? undefined : await this.drawShape(scene.layer, scene.area, scene.viewBox, step.added)
    if (step.added !== undefined) scene.boxes.set(step.added, addedBox)
    scene.ink = ink
    const changed = union(removedBox, addedBox)
    if (!changed) return scene.content
    const rect = evenRect(changed, width, height)
    copyRect(scene.picture, scene.slide, width, rect)
    blendOver(scene.picture, scene.layer, width, rect)
    scene.content = rgbaToI420(scene.picture, width, height, this.copyOf(scene.content), rect)
    return scene.content
  }

  /** The picture without the cursor, in I420; never modified once returned. */
  async base(frame: FrameState): Promise<Buffer> {
    const cached = this.bases.get(frame.baseKey)
    if (cached) return cached
    const area = this.areaOf(frame)
    const key = `${this.presentation.slides[frame.slide]?.href}|${frame.viewBox.join(',')}|${area.width}`
    const scene = this.scene?.key === key ? this.scene : undefined
    const step = scene && inkStep(scene.ink, frame.ink)
    let content: Buffer
    if (scene && step) content = step.same ? scene.content : await this.advance(scene, frame.ink, step)
    else {
      this.scene = await this.freshScene(frame, area, key)
      content = this.scene.content
    }
    const { width, height } = this.layout
    const i420 = area.width < width ? sideBySide(content, area.width, this.column(frame.panel), width - area.width, height) : content
    this.keep(frame.baseKey, i420)
    return i420
  }

  /** Writes base + a red cursor dot into `target` (a buffer of frameBytes), in I420. */
  drawCursor(target: Buffer, base: Buffer, frame: FrameState): Buffer {
    if (!frame.cursor) return base
    base.copy(target)
    const area = this.areaOf(frame)
    const r = fitViewBox(frame.viewBox, area)
    const cx = r.x + frame.cursor.x * r.w, cy = r.y + frame.cursor.y * r.h
    const { width, height } = this.layout
    const radius = Math.max(3, Math.round(width / 160))
    const uOffset = width * height, vOffset = uOffset + uOffset / 4
    for (let y = Math.max(0, Math.floor(cy - radius)); y <= Math.min(height - 1, Math.ceil(cy + radius)); y++) {
      for (let x = Math.max(0, Math.floor(cx - radius)); x <= Math.min(area.width - 1, Math.ceil(cx + radius)); x++) {
        if ((x - cx) ** 2 + (y - cy) ** 2 > radius * radius) continue
        target[y * width + x] = CURSOR[0]!
        const c = (y >> 1) * (width >> 1) + (x >> 1)
        target[uOffset + c] = CURSOR[4]!
        target[vOffset + c] = CURSOR[5]!
      }
    }
    return target
  }
}
