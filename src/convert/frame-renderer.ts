import { Resvg } from '@resvg/resvg-js'
import { LRUCache } from 'lru-cache'
import { blendOver, clearRect, copyRect, CURSOR, evenRect, intersection, layerOver, rgbaToI420, sideBySide, union, type Rect } from './pixels.ts'
import type { Presentation } from './presentation.ts'
import { dataUrl, fitViewBox, paintedBox, renderRect, resvgOptions, type Area } from './svg-raster.ts'
import type { FrameState } from './timeline.ts'
import type { WarningLog } from '../log.ts'

export type ImageLoader = (href: string) => Promise<Buffer | null>

/** What the renderer keeps of the scene on screen: the slide, the ink under the top stroke and with it, the picture. */
interface Scene {
  key: string
  ink: number[]
  slide: Buffer
  under: Buffer
  layer: Buffer
  picture: Buffer
  content: Buffer
  /** Where annotation versions landed, as far as known: to clear one when it goes, to know which to draw again over a region. */
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

/**
 * Draws the presentation area (slide, zoom, ink) with resvg and caches the result, so frames that
 * differ only by the cursor cost a copy and a dot.
 */
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

  /**
   * A buffer no picture uses any more, or a new one. Beside the cameras every frame is a new
   * picture: a new 1.4 MB buffer for each kept the garbage collector busy (the renderer's CPU on
   * the tldraw bench case, timed by hand: 27 s with them, 17 s without).
   */
  private spareOf(bytes: number): Buffer {
    return this.spare.get(bytes)?.pop() ?? Buffer.allocUnsafe(bytes)
  }

  private copyOf(source: Buffer): Buffer {
    const copy = this.spareOf(source.length)
    source.copy(copy)
    return copy
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

  /** One annotation version alone, parsed in the area's coordinates. */
  private async parseShape(area: Area, viewBox: FrameState['viewBox'], index: number): Promise<Resvg> {
    const svg = this.svgFrame(area, viewBox, await this.inkMarkup(index))
    return new Resvg(svg, resvgOptions(svg))
  }

  /**
   * The ink of one annotation alone, drawn over its whole box and laid over `layer` (within `clip`
   * only, when given: resvg's antialiasing differs by a level at the edge of a narrower crop, so a
   * region is drawn as a fresh scene draws it); where it paints.
   */
  private async drawShape(layer: Buffer, area: Area, viewBox: FrameState['viewBox'], index: number, clip?: Rect): Promise<Rect | undefined> {
    const resvg = await this.parseShape(area, viewBox, index)
    const box = paintedBox(resvg, area)
    const image = box && (!clip || intersection(box, clip)) && renderRect(resvg, box)
    if (image) layerOver(layer, area.width, image.pixels, image.width, image.height, box.x, box.y, clip)
    return box
  }

  /**
   * Annotations laid over `rect` of `layer` only, one by one (one render of them all would round
   * their overlaps otherwise); those known to paint elsewhere are not even parsed.
   */
  private async drawShapesIn(layer: Buffer, scene: Scene, indices: number[], rect: Rect): Promise<void> {
    const { area, viewBox, boxes } = scene
    for (const index of indices) {
      const known = boxes.get(index)
      if (boxes.has(index) && !(known && intersection(known, rect))) continue
      boxes.set(index, await this.drawShape(layer, area, viewBox, index, rect))
    }
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
    const { width } = scene.area
    // A new stroke on top: the old top joins the layer under it (only its pixels differ there).
    const oldTop = step.removed === undefined && scene.ink.length ? scene.boxes.get(scene.ink.at(-1)!) : undefined
    if (oldTop) copyRect(scene.under, scene.layer, width, oldTop)
    const removedBox = step.removed === undefined ? undefined : scene.boxes.get(step.removed)
    if (removedBox) copyRect(scene.layer, scene.under, width, removedBox)
    const addedBox = step.added === undefined ? undefined : await this.drawShape(scene.layer, scene.area, scene.viewBox, step.added)
    if (step.added !== undefined) scene.boxes.set(step.added, addedBox)
    scene.ink = ink
    const changed = union(removedBox, addedBox)
    return changed ? this.repaint(scene, changed) : scene.content
  }

  /** The picture and its I420 again over a region whose layers changed: the slide, the ink laid over it. */
  private repaint(scene: Scene, region: Rect): Buffer {
    const { width, height } = scene.area
    const rect = evenRect(region, width, height)
    copyRect(scene.picture, scene.slide, width, rect)
    blendOver(scene.picture, scene.layer, width, rect)
    scene.content = rgbaToI420(scene.picture, width, height, this.copyOf(scene.content), rect)
    return scene.content
  }

  /**
   * Any other change of the scene's ink (a shape under the top one changed, came or went: two
   * people drawing, a text edited): everything is drawn again, but only over the pixels that the
   * versions gone and come cover. Undefined when only the order changed.
   */
  private async redrawRegion(scene: Scene, ink: number[]): Promise<Buffer | undefined> {
    const before = new Set(scene.ink), after = new Set(ink)
    const changed = [...scene.ink.filter((i) => !after.has(i)), ...ink.filter((i) => !before.has(i))]
    if (!changed.length) return undefined
    const { area, viewBox } = scene
    const box = async (index: number) => (scene.boxes.has(index) ? scene.boxes.get(index) : paintedBox(await this.parseShape(area, viewBox, index), area))
    const top = ink.at(-1), oldTop = scene.ink.at(-1)
    // A shape that leaves or takes the top moves between the layers: its pixels change layer.
    if (top !== oldTop) changed.push(...[top, oldTop].filter((i) => i !== undefined))
    let dirty: Rect | undefined
    for (const index of changed) {
      const painted = await box(index)
      scene.boxes.set(index, painted)
      dirty = union(dirty, painted)
    }
    scene.ink = ink
    if (!dirty) return scene.content
    const { width, height } = area
    const rect = evenRect(dirty, width, height)
    clearRect(scene.under, width, rect)
    await this.drawShapesIn(scene.under, scene, ink.slice(0, -1), rect)
    copyRect(scene.layer, scene.under, width, rect)
    if (top !== undefined) await this.drawShapesIn(scene.layer, scene, [top], rect)
    return this.repaint(scene, rect)
  }

  /** The picture without the cursor, in I420; unchanged until a few newer ones are drawn (its buffer then serves again). */
  async base(frame: FrameState): Promise<Buffer> {
    const cached = this.bases.get(frame.baseKey)
    if (cached) return cached
    const area = this.areaOf(frame)
    const key = `${this.presentation.slides[frame.slide]?.href}|${frame.viewBox.join(',')}|${area.width}`
    const scene = this.scene?.key === key ? this.scene : undefined
    const step = scene && inkStep(scene.ink, frame.ink)
    let content: Buffer | undefined
    if (scene && step) content = step.same ? scene.content : await this.advance(scene, frame.ink, step)
    else if (scene) content = await this.redrawRegion(scene, frame.ink)
    if (!content) {
      this.scene = await this.freshScene(frame, area, key)
      content = this.scene.content
    }
    const { width, height } = this.layout
    const i420 = area.width < width
      ? sideBySide(content, area.width, this.column(frame.panel), width - area.width, height, this.spareOf(this.frameBytes))
      : content
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
