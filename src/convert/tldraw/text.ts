import type { Face } from '../fonts.ts'
import { f2 } from './geometry.ts'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export type Align = 'start' | 'middle' | 'end'

/** tldraw's alignments, legacy ones included, reduced to where a line starts. */
export const alignOf = (value: unknown): Align => {
  const v = String(value ?? 'middle').replace('-legacy', '')
  return v === 'start' || v === 'end' ? v : 'middle'
}

/**
 * Lines as a browser breaks text with `white-space: pre-wrap; overflow-wrap: break-word` at a
 * width: at spaces, inside a word only when the word alone is too wide; no width, no wrapping.
 */
export function wrapLines(text: string, width: (s: string) => number, maxWidth?: number): string[] {
  const lines: string[] = []
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (maxWidth === undefined) {
      lines.push(paragraph)
      continue
    }
    let line = ''
    for (const token of paragraph.split(/(\s+)/).filter((s) => s !== '')) {
      // Spaces hang at the end of a line in pre-wrap: they never push it over.
      if (/^\s+$/.test(token) || width(line + token) <= maxWidth) {
        line += token
        continue
      }
      if (line.trim()) lines.push(line)
      line = ''
      for (const ch of token) {
        if (line && width(line + ch) > maxWidth) {
          lines.push(line)
          line = ''
        }
        line += ch
      }
    }
    lines.push(line)
  }
  return lines
}

export interface TextBox {
  text: string
  face: Face
  size: number
  /** Line height as a multiple of the size (tldraw 1: 1, tldraw 2: 1.35). */
  lineHeight: number
  letterSpacingEm?: number
  align: Align
  /** Top-left of the text's content area. */
  x: number
  y: number
  /** Wrapping width; none: lines only break at newlines. */
  wrap?: number
  /** Width the lines align in (default: the widest line). */
  boxWidth?: number
  fill: string
  /** tldraw 2's outline in the canvas colour, drawn under the text. */
  halo?: string
}

/** The text laid out as tldraw's HTML lays it out, drawn as SVG lines at their baselines. */
export function textSvg(box: TextBox): { svg: string; width: number; height: number } {
  const spacing = box.letterSpacingEm ?? 0
  const measure = (s: string) => box.face.width(s, box.size, spacing)
  const lines = wrapLines(box.text, measure, box.wrap)
  const widths = lines.map((l) => measure(l.trimEnd()))
  const width = Math.max(0, ...widths)
  const lineHeight = box.size * box.lineHeight
  const height = lines.length * lineHeight
  if (!lines.some((l) => l.trim())) return { svg: '', width, height }
  const inside = box.boxWidth ?? width
  const { ascent, descent } = box.face
  // CSS places the glyphs' ascent + descent in the middle of the line box.
  const baseline = (lineHeight - (ascent + descent) * box.size) / 2 + ascent * box.size
  const spans = lines.map((line, i) => {
    const x = box.x + (box.align === 'start' ? 0 : box.align === 'end' ? inside - widths[i]! : (inside - widths[i]!) / 2)
    return `<tspan x="${f2(x)}" y="${f2(box.y + i * lineHeight + baseline)}">${esc(line)}</tspan>`
  }).join('')
  const font = `font-family="${esc(box.face.family)}" font-size="${f2(box.size)}"${spacing ? ` letter-spacing="${f2(spacing * box.size)}"` : ''}`
  const halo = box.halo ? `<text ${font} fill="${box.halo}" stroke="${box.halo}" stroke-width="2" stroke-linejoin="round" xml:space="preserve">${spans}</text>` : ''
  return { svg: `${halo}<text ${font} fill="${box.fill}" xml:space="preserve">${spans}</text>`, width, height }
}
