/**
 * Pixel work on frames: RGBA to the I420 ffmpeg takes, premultiplied RGBA laid over pictures, I420
 * pictures side by side. Each works on a rectangle when given one: a new stroke changes a few
 * thousand pixels of a million, and only those are done again.
 */
export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

/** A rectangle grown to even coordinates (I420 shares a chroma sample between 2×2 pixels), within the picture. */
export function evenRect(r: Rect, width: number, height: number): Rect {
  const x = Math.max(0, Math.floor(r.x / 2) * 2), y = Math.max(0, Math.floor(r.y / 2) * 2)
  return { x, y, w: Math.min(width, Math.ceil((r.x + r.w) / 2) * 2) - x, h: Math.min(height, Math.ceil((r.y + r.h) / 2) * 2) - y }
}

/** The rectangle two have in common, if any. */
export function intersection(a: Rect, b: Rect): Rect | undefined {
  const x = Math.max(a.x, b.x), y = Math.max(a.y, b.y)
  const w = Math.min(a.x + a.w, b.x + b.w) - x, h = Math.min(a.y + a.h, b.y + b.h) - y
  return w > 0 && h > 0 ? { x, y, w, h } : undefined
}

export function union(a: Rect | undefined, b: Rect | undefined): Rect | undefined {
  if (!a) return b
  if (!b) return a
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y)
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y }
}

/**
 * RGBA → I420 (yuv420p, BT.601 limited range, as ffmpeg's own conversion), into `out` over an
 * even rectangle (the whole picture by default). Done once per distinct picture, it sends ffmpeg
 * 1.5 bytes per pixel instead of 4 and spares it a conversion.
 */
export function rgbaToI420(rgba: Buffer, width: number, height: number, out: Buffer = Buffer.allocUnsafe((width * height * 3) / 2), rect: Rect = { x: 0, y: 0,
  w: width, h: height }): Buffer {
  const uOffset = width * height, vOffset = uOffset + uOffset / 4, half = width / 2
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    let i = (y * width + rect.x) * 4, o = y * width + rect.x
    for (let x = 0; x < rect.w; x++, i += 4) out[o++] = ((66 * rgba[i]! + 129 * rgba[i + 1]! + 25 * rgba[i + 2]! + 128) >> 8) + 16
  }
  for (let y = rect.y; y < rect.y + rect.h; y += 2) {
    for (let x = rect.x; x < rect.x + rect.w; x += 2) {
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
export const CURSOR = rgbaToI420(Buffer.from(Array.from({ length: 4 }, () => [255, 0, 0, 255]).flat()), 2, 2)

/** Premultiplied RGBA `top` over opaque `bottom`, both `width` wide, in place, over a rectangle (all by default). */
export function blendOver(bottom: Buffer, top: Buffer, width?: number, rect?: Rect): void {
  const top32 = new Uint32Array(top.buffer, top.byteOffset, top.length >> 2)
  const bottom32 = new Uint32Array(bottom.buffer, bottom.byteOffset, bottom.length >> 2)
  const rows = rect && width
    ? Array.from({ length: rect.h }, (_, k) => [(rect.y + k) * width + rect.x, (rect.y + k) * width + rect.x + rect.w])
    : [[0, top32.length]]
  for (const [from, to] of rows) {
    for (let i = from!; i < to!; i++) {
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
}

/** Copies a rectangle of an RGBA picture `width` wide from `src` into `dst`. */
export function copyRect(dst: Buffer, src: Buffer, width: number, rect: Rect): void {
  for (let y = rect.y; y < rect.y + rect.h; y++) src.copy(dst, (y * width + rect.x) * 4, (y * width + rect.x) * 4, (y * width + rect.x + rect.w) * 4)
}

/** Makes a rectangle of an RGBA picture `width` wide transparent. */
export function clearRect(picture: Buffer, width: number, rect: Rect): void {
  for (let y = rect.y; y < rect.y + rect.h; y++) picture.fill(0, (y * width + rect.x) * 4, (y * width + rect.x + rect.w) * 4)
}

/**
 * Lays premultiplied RGBA `top` (w × h) over premultiplied RGBA `bottom` (a picture `width`
 * wide) at (x, y), alpha kept: layers of ink built one shape at a time. Only within `clip` (in
 * `bottom`'s pixels) when given.
 */
export function layerOver(bottom: Buffer, width: number, top: Buffer, w: number, h: number, x: number, y: number, clip?: Rect): void {
  const height = bottom.length / 4 / width
  const [left, right] = clip ? [Math.max(clip.x, 0), Math.min(clip.x + clip.w, width)] : [0, width]
  const [upper, lower] = clip ? [Math.max(clip.y, 0), Math.min(clip.y + clip.h, height)] : [0, height]
  for (let row = Math.max(0, upper - y); row < h && y + row < lower; row++) {
    for (let col = Math.max(0, left - x); col < w && x + col < right; col++) {
      const t = (row * w + col) * 4
      const alpha = top[t + 3]!
      if (alpha === 0) continue
      const b = ((y + row) * width + x + col) * 4
      const k = (255 - alpha) / 255
      bottom[b] = top[t]! + bottom[b]! * k
      bottom[b + 1] = top[t + 1]! + bottom[b + 1]! * k
      bottom[b + 2] = top[t + 2]! + bottom[b + 2]! * k
      bottom[b + 3] = alpha + bottom[b + 3]! * k
    }
  }
}

/** Two I420 pictures of one height side by side, `left` then `right`, into `out` when given. */
export function sideBySide(left: Buffer, leftWidth: number, right: Buffer, rightWidth: number, height: number,
  out: Buffer = Buffer.allocUnsafe(((leftWidth + rightWidth) * height * 3) / 2)): Buffer {
  const width = leftWidth + rightWidth
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
