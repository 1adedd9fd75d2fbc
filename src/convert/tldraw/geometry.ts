/**
 * Small geometry shared by the tldraw 1 and 2 renderers: points, tldraw's seeded random numbers
 * (the hand-drawn wobble is the same at every render of a shape), the quadratic path through
 * stroke points, and the "perfect dash" spacing both versions compute.
 */
/**
 * A record of tldraw.json as BBB stored it: untyped input, read field by field with defaults,
 * since each tldraw version (and each BBB client) writes its own shape of it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>

export type Pt = [number, number]

export const add = (a: Pt, b: Pt): Pt => [a[0] + b[0], a[1] + b[1]]
export const sub = (a: Pt, b: Pt): Pt => [a[0] - b[0], a[1] - b[1]]
export const mul = (a: Pt, k: number): Pt => [a[0] * k, a[1] * k]
const len = (a: Pt) => Math.hypot(a[0], a[1])
export const dist = (a: Pt, b: Pt) => len(sub(a, b))
export const lerp = (a: Pt, b: Pt, t: number): Pt => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
export const mid = (a: Pt, b: Pt): Pt => lerp(a, b, 0.5)
export const unit = (a: Pt): Pt => (len(a) ? mul(a, 1 / len(a)) : [0, 0])
export const per = (a: Pt): Pt => [a[1], -a[0]]
/** `p` turned by `angle` radians around `center`. */
export const rotateAround = (p: Pt, center: Pt, angle: number): Pt => {
  const [s, c] = [Math.sin(angle), Math.cos(angle)]
  const [x, y] = sub(p, center)
  return [center[0] + x * c - y * s, center[1] + x * s + y * c]
}
/** `a` moved `d` towards `b`. */
export const nudge = (a: Pt, b: Pt, d: number): Pt => add(a, mul(unit(sub(b, a)), d))

/** Two decimals, as tldraw writes path numbers; no "-0". */
export const f2 = (v: number) => {
  const s = (Math.round(v * 100) / 100).toString()
  return s === '-0' ? '0' : s
}
export const p2 = (p: Pt) => `${f2(p[0])},${f2(p[1])}`

/**
 * tldraw's seeded xorshift generator: `half` gives [-0.5, 0.5) (tldraw 1), `full` [-1, 1)
 * (tldraw 2), from the same sequence.
 */
export function seededRandom(seed: string, range: 'half' | 'full'): () => number {
  let x = 0, y = 0, z = 0, w = 0
  const next = () => {
    const t = x ^ (x << 11)
    x = y
    y = z
    z = w
    w ^= ((w >>> 19) ^ t ^ (t >>> 8)) >>> 0
    return range === 'half' ? w / 0x100000000 : (w / 0x100000000) * 2
  }
  for (let k = 0; k < seed.length + 64; k++) {
    x ^= seed.charCodeAt(k) | 0
    next()
  }
  return next
}

/**
 * The smooth path through outline points: a quadratic curve to each midpoint, closed or open
 * (tldraw 1's getSvgPathFromStroke / getSvgPathFromStrokePoints).
 */
export function quadPath(points: Pt[], closed: boolean): string {
  if (points.length < 2) return ''
  if (points.length < 4) return `M${p2(points[0]!)}${points.slice(1).map((p) => `L${p2(p)}`).join('')}${closed ? 'Z' : ''}`
  let d = `M${p2(points[0]!)}Q${p2(points[1]!)} ${p2(mid(points[1]!, points[2]!))}T`
  for (let i = 2; i < points.length - 1; i++) d += `${p2(mid(points[i]!, points[i + 1]!))} `
  return closed ? `${d.trimEnd()}Z` : `${d}${p2(points.at(-1)!)}`
}

export type Dash = 'draw' | 'solid' | 'dashed' | 'dotted'

/** tldraw 1's dash spacing (core utils getPerfectDashProps): dashes that end where the line ends. */
export function dashV1(length: number, strokeWidth: number, dash: Dash, snap = 1, outset = true): { array: string; offset: number } | undefined {
  if (dash !== 'dashed' && dash !== 'dotted') return undefined
  const dashLength = dash === 'dashed' ? strokeWidth * 2 : strokeWidth / 100
  const ratio = dash === 'dashed' ? 1 : 100
  let dashes = Math.floor(length / dashLength / (2 * ratio))
  dashes = Math.max(dashes - (dashes % snap), 4)
  const gap = Math.max(dashLength, (length - dashes * dashLength) / (outset ? dashes : dashes - 1))
  return { array: `${f2(dashLength)} ${f2(gap)}`, offset: dash === 'dashed' && outset ? dashLength / 2 : 0 }
}

/** tldraw 2's dash spacing (getPerfectDashProps): ends outset, skipped or none, closed or open. */
export function dashV2(total: number, strokeWidth: number, dash: Dash, o: { closed?: boolean; snap?: number; start?: 'outset' | 'skip' | 'none'; end?: 'outset' | 'skip' | 'none' } = {}): { array: string; offset: number } | undefined {
  if (dash !== 'dashed' && dash !== 'dotted') return undefined
  const ratio = dash === 'dashed' ? 1 : 100
  let dashLength = dash === 'dashed' ? Math.min(strokeWidth * 2, total / 4) : strokeWidth / 100
  let offset = 0
  const [start, end] = [o.start ?? 'outset', o.end ?? 'outset']
  if (!o.closed) {
    const startShift = start === 'outset' ? dashLength / 2 : start === 'skip' ? -dashLength : 0
    total += startShift
    offset += startShift
    if (end === 'outset') total += dashLength / 2
    else if (end === 'skip') total -= dashLength
  }
  let count = Math.floor(total / dashLength / (2 * ratio))
  count -= count % (o.snap ?? 1)
  let gap: number
  if (count < 3 && dash === 'dashed') {
    if (total / strokeWidth < 5) [dashLength, gap] = [total, 0]
    else dashLength = gap = total * 0.333
  } else {
    count = Math.max(count, 3)
    dashLength = total / count / (2 * ratio)
    if (o.closed) [offset, gap] = [dashLength / 2, (total - count * dashLength) / count]
    else gap = (total - count * dashLength) / Math.max(1, count - 1)
  }
  return { array: `${f2(dashLength)} ${f2(gap)}`, offset }
}

export const dashAttrs = (d: { array: string; offset: number } | undefined) => (d ? ` stroke-dasharray="${d.array}" stroke-dashoffset="${f2(d.offset)}"` : '')

/** Ramanujan's perimeter of an ellipse, as both tldraws compute it. */
export function ellipsePerimeter(rx: number, ry: number): number {
  const h = (rx - ry) ** 2 / (rx + ry) ** 2
  return Math.PI * (rx + ry) * (1 + (3 * h) / (10 + Math.sqrt(4 - 3 * h)))
}
