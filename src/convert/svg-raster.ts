import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js'
import { existsSync } from 'node:fs'
import { fontFilesFor } from './fonts.ts'
import type { Rect } from './pixels.ts'

/** A part of the output picture, in pixels. */
export interface Area {
  width: number
  height: number
}

const FONT_FILES = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf'].filter((f) => existsSync(f))

/**
 * resvg's options for an SVG. resvg reads its fonts at every render: none for a picture without
 * text, else the faces its text names and DejaVu Sans for the rest (a slide's own SVG may hold
 * text, hence `slide`).
 */
export const resvgOptions = (svg: string, slide = false): ResvgRenderOptions => ({
  font: !slide && !/<text[\s>]/.test(svg) ? { loadSystemFonts: false }
    : FONT_FILES.length ? { loadSystemFonts: false, fontFiles: [...new Set([...FONT_FILES, ...fontFilesFor(svg)])], defaultFontFamily: 'DejaVu Sans' } : { loadSystemFonts: true },
  logLevel: 'off',
})

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp' }
export const dataUrl = (href: string, data: Buffer) => `data:${MIME[/\.([a-z]+)$/i.exec(href)?.[1]?.toLowerCase() ?? ''] ?? 'image/png'};base64,${data.toString('base64')}`

/** The rectangle of the area that shows the viewBox, aspect kept (letterboxed). */
export function fitViewBox(viewBox: [number, number, number, number], area: Area): { x: number; y: number; w: number; h: number } {
  const scale = Math.min(area.width / viewBox[2], area.height / viewBox[3])
  const w = viewBox[2] * scale, h = viewBox[3] * scale
  return { x: (area.width - w) / 2, y: (area.height - h) / 2, w, h }
}

/** The pixels a parsed SVG paints: whole pixels, a margin for antialiasing, within the area; none when it paints nothing. */
export function paintedBox(resvg: Resvg, area: Area): Rect | undefined {
  const box = resvg.getBBox()
  if (!box) return undefined
  const x = Math.max(0, Math.floor(box.x) - 2), y = Math.max(0, Math.floor(box.y) - 2)
  const w = Math.min(area.width, Math.ceil(box.x + box.width) + 2) - x, h = Math.min(area.height, Math.ceil(box.y + box.height) + 2) - y
  return w > 0 && h > 0 ? { x, y, w, h } : undefined
}

/**
 * Renders only `rect` of a parsed SVG, premultiplied RGBA of its size; none when the SVG paints
 * nothing there. Cropped in whole pixels, it draws exactly what the full picture has there.
 */
export function renderRect(resvg: Resvg, rect: Rect): { pixels: Buffer; width: number; height: number } | undefined {
  const box = resvg.getBBox()
  // resvg panics on a crop that misses what the SVG paints.
  if (!box || box.x >= rect.x + rect.w || box.y >= rect.y + rect.h || box.x + box.width <= rect.x || box.y + box.height <= rect.y) return undefined
  resvg.cropByBBox(Object.assign(box, { x: rect.x, y: rect.y, width: rect.w, height: rect.h }))
  return resvg.render()
}
