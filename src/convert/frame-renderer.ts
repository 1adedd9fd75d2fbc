import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js'
import { existsSync } from 'node:fs'
import { fontFilesFor } from './fonts.ts'
import type { Presentation } from './presentation.ts'
import type { FrameState } from './timeline.ts'

/** Where the slides go inside the output picture. */
export interface Area {
  width: number
  height: number
}

export type ImageLoader = (href: string) => Promise<Buffer | null>

const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'].filter((f) => existsSync(f))
// resvg reads its fonts at every render: only the faces the picture's text names, DejaVu Sans for the rest.
const resvgOptions = (svg: string): ResvgRenderOptions => ({
  font: FONT_FILES.length ? { loadSystemFonts: false, fontFiles: [...new Set([...FONT_FILES, ...fontFilesFor(svg)])], defaultFontFamily: 'DejaVu Sans' } : { loadSystemFonts: true },
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

/** Small LRU: pictures are megabytes each, and a recording revisits only recent ones. */
class Lru<V> {
  private readonly map = new Map<string, V>()
  constructor(private readonly size: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key)
    if (value !== undefined) {
      this.map.delete(key)
      this.map.set(key, value)
    }
    return value
  }
  set(key: string, value: V): void {
    this.map.set(key, value)
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value!)
  }
}

/**
 * RGBA → I420 (yuv420p, BT.601 limited range, as ffmpeg's own conversion): done once per
 * distinct picture, it sends ffmpeg 1.5 bytes per pixel instead of 4 and spares it a conversion.
 */
export function rgbaToI420(rgba: Buffer, width: number, height: number): Buffer {
  const out = Buffer.allocUnsafe((width * height * 3) / 2)
  const uOffset = width * height, vOffset = uOffset + uOffset / 4, half = width / 2
  for (let y = 0; y < height; y++) {
    let i = y * width * 4, o = y * width
    for (let x = 0; x < width; x++, i += 4) out[o++] = ((66 * rgba[i]! + 129 * rgba[i + 1]! + 25 * rgba[i + 2]! + 128) >> 8) + 16
  }
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      const a = (y * width + x) * 4, b = a + width * 4
      const r = rgba[a]! + rgba[a + 4]! + rgba[b]! + rgba[b + 4]!
      const g = rgba[a + 1]! + rgba[a + 5]! + rgba[b + 1]! + rgba[b + 5]!
      const bl = rgba[a + 2]! + rgba[a + 6]! + rgba[b + 2]! + rgba[b + 6]!
      const c = (y / 2) * half + x / 2
      out[uOffset + c] = ((-38 * r - 74 * g + 112 * bl + 512) >> 10) + 128
      out[vOffset + c] = ((112 * r - 94 * g - 18 * bl + 512) >> 10) + 128
    }
  }
  return out
}

/** The cursor's red as I420 (Y of a 2×2 block, then U, V), by the same conversion as pictures. */
const CURSOR = rgbaToI420(Buffer.from(Array.from({ length: 4 }, () => [255, 0, 0, 255]).flat()), 2, 2)

/** Copies premultiplied RGBA `top` over opaque `bottom` in place. */
function blendOver(bottom: Buffer, top: Buffer): void {
  const top32 = new Uint32Array(top.buffer, top.byteOffset, top.length >> 2)
  const bottom32 = new Uint32Array(bottom.buffer, bottom.byteOffset, bottom.length >> 2)
  for (let i = 0; i < top32.length; i++) {
    const px = top32[i]!
    if (px === 0) continue
    const alpha = px >>> 24
    if (alpha === 255) {
      bottom32[i] = px
      continue
    }
    const k = (255 - alpha) / 255
    const o = i << 2
    bottom[o] = top[o]! + bottom[o]! * k
    bottom[o + 1] = top[o + 1]! + bottom[o + 1]! * k
    bottom[o + 2] = top[o + 2]! + bottom[o + 2]! * k
    bottom[o + 3] = 255
  }
}

/**
 * Draws the presentation area (slide, zoom, ink) with resvg and caches the result, so frames that
 * differ only by the cursor cost a copy and a dot.
 */
/** A column drawn right of the content (the chat): its SVG for a state of it, as many states as it has. */
export interface Panel {
  width: number
  svg(state: number): string
}

/** Two I420 pictures of one height side by side, `left` then `right`. */
export function sideBySide(left: Buffer, leftWidth: number, right: Buffer, rightWidth: number, height: number): Buffer {
  const width = leftWidth + rightWidth
  const out = Buffer.allocUnsafe((width * height * 3) / 2)
  const plane = (src: Buffer, srcOffset: number, w: number, dstOffset: number, dstX: number, rows: number, stride: number) => {
    for (let y = 0; y < rows; y++) src.copy(out, dstOffset + y * stride + dstX, srcOffset + y * w, srcOffset + (y + 1) * w)
  }
  for (const [src, w, x] of [[left, leftWidth, 0], [right, rightWidth, leftWidth]] as const) {
    plane(src, 0, w, 0, x, height, width)
    plane(src, w * height, w / 2, width * height, x / 2, height / 2, width / 2)
    plane(src, (w * height * 5) / 4, w / 2, (width * height * 5) / 4, x / 2, height / 2, width / 2)
  }
  return out
}

export class FrameRenderer {
  /** Every image (slides, poll results) as a data URL, fetched once; null when missing. */
  private readonly images = new Map<string, Promise<string | null>>()
  private readonly slideRasters = new Lru<Buffer>(12)
  private readonly bases = new Lru<Buffer>(6)
  private readonly panels = new Lru<Buffer>(2)
  readonly frameBytes: number
  /** The whole picture: the content area and the panel beside it. */
  private readonly frameWidth: number

  constructor(
    private readonly presentation: Presentation,
    private readonly area: Area,
    private readonly loadImage: ImageLoader,
    private readonly warn: (message: string) => void,
    private readonly panel?: Panel,
  ) {
    this.frameWidth = area.width + (panel?.width ?? 0)
    this.frameBytes = (this.frameWidth * area.height * 3) / 2
  }

  private panelRaster(state: number): Buffer {
    const cached = this.panels.get(String(state))
    if (cached) return cached
    const svg = this.panel!.svg(state)
    const i420 = rgbaToI420(new Resvg(svg, { ...resvgOptions(svg), background: '#ffffff' }).render().pixels, this.panel!.width, this.area.height)
    this.panels.set(String(state), i420)
    return i420
  }

  private svgFrame(viewBox: FrameState['viewBox'], body: string): string {
    const r = fitViewBox(viewBox, this.area)
    return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${this.area.width}" height="${this.area.height}">` +
      `<svg x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" viewBox="${viewBox.join(' ')}" preserveAspectRatio="none">${body}</svg></svg>`
  }

  private image(href: string): Promise<string | null> {
    let image = this.images.get(href)
    if (!image) {
      image = this.loadImage(href).then((data) => {
        if (!data) this.warn(`image ${href} is missing; it is left out`)
        return data && dataUrl(href, data)
      })
      this.images.set(href, image)
    }
    return image
  }

  private async slideRaster(frame: FrameState): Promise<Buffer> {
    const slide = this.presentation.slides[frame.slide]
    const key = `${slide?.href}|${frame.viewBox.join(',')}`
    const cached = this.slideRasters.get(key)
    if (cached) return cached
    const href = slide && (await this.image(slide.href))
    const body = slide ? `<rect width="${slide.width}" height="${slide.height}" fill="#ffffff"/>${href ? `<image width="${slide.width}" height="${slide.height}" preserveAspectRatio="none" href="${href}"/>` : ''}` : ''
    const svg = this.svgFrame(frame.viewBox, body)
    const pixels = new Resvg(svg, { ...resvgOptions(''), background: '#000000' }).render().pixels
    this.slideRasters.set(key, pixels)
    return pixels
  }

  private async inkMarkup(index: number): Promise<string> {
    const version = this.presentation.ink[index]!
    let markup = version.svg
    for (const [n, href] of version.images.entries()) markup = markup.replace(`{{href:${n}}}`, (await this.image(href)) ?? '')
    return markup
  }

  /** The picture without the cursor, in I420; never modified once returned. */
  async base(frame: FrameState): Promise<Buffer> {
    const cached = this.bases.get(frame.baseKey)
    if (cached) return cached
    const slide = await this.slideRaster(frame)
    let picture = slide
    if (frame.ink.length) {
      const markup = (await Promise.all(frame.ink.map((i) => this.inkMarkup(i)))).join('')
      const svg = this.svgFrame(frame.viewBox, markup)
      const ink = new Resvg(svg, resvgOptions(svg)).render().pixels
      picture = Buffer.from(slide)
      blendOver(picture, ink)
    }
    const content = rgbaToI420(picture, this.area.width, this.area.height)
    const i420 = this.panel ? sideBySide(content, this.area.width, this.panelRaster(frame.panel), this.panel.width, this.area.height) : content
    this.bases.set(frame.baseKey, i420)
    return i420
  }

  /** Writes base + a red cursor dot into `target` (a buffer of frameBytes), in I420. */
  drawCursor(target: Buffer, base: Buffer, frame: FrameState): Buffer {
    if (!frame.cursor) return base
    base.copy(target)
    const r = fitViewBox(frame.viewBox, this.area)
    const cx = r.x + frame.cursor.x * r.w, cy = r.y + frame.cursor.y * r.h
    const radius = Math.max(3, Math.round(this.frameWidth / 160))
    const { height } = this.area
    const width = this.frameWidth
    const uOffset = width * height, vOffset = uOffset + uOffset / 4
    for (let y = Math.max(0, Math.floor(cy - radius)); y <= Math.min(height - 1, Math.ceil(cy + radius)); y++) {
      for (let x = Math.max(0, Math.floor(cx - radius)); x <= Math.min(this.area.width - 1, Math.ceil(cx + radius)); x++) {
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
