import { face, type Face } from '../fonts.ts'

/**
 * @bigbluebutton/tldraw 2.0's styles, as bbb-playback draws BBB 3.0 whiteboards (tlschema
 * styles/TLColorStyle.ts DefaultColorThemePalette.lightMode, tldraw shapes/shared/
 * default-shape-constants.ts): per colour its solid stroke, its pale `semi`, the hatch `pattern`
 * colour and the sRGB highlighter.
 */
const PALETTE: Record<string, { solid: string; semi: string; pattern: string; highlight: string }> = {
  black: { solid: '#1d1d1d', semi: '#e8e8e8', pattern: '#494949', highlight: '#fddd00' },
  grey: { solid: '#adb5bd', semi: '#eceef0', pattern: '#bcc3c9', highlight: '#cbe7f1' },
  'light-violet': { solid: '#e599f7', semi: '#f5eafa', pattern: '#e9acf8', highlight: '#ff88ff' },
  violet: { solid: '#ae3ec9', semi: '#ecdcf2', pattern: '#bd63d3', highlight: '#c77cff' },
  blue: { solid: '#4263eb', semi: '#dce1f8', pattern: '#6681ee', highlight: '#10acff' },
  'light-blue': { solid: '#4dabf7', semi: '#ddedfa', pattern: '#6fbbf8', highlight: '#00f4ff' },
  yellow: { solid: '#ffc078', semi: '#f9f0e6', pattern: '#fecb92', highlight: '#fddd00' },
  orange: { solid: '#f76707', semi: '#f8e2d4', pattern: '#f78438', highlight: '#ffa500' },
  green: { solid: '#099268', semi: '#d3e9e3', pattern: '#39a785', highlight: '#00ffc8' },
  'light-green': { solid: '#40c057', semi: '#dbf0e0', pattern: '#65cb78', highlight: '#65f641' },
  'light-red': { solid: '#ff8787', semi: '#f4dadb', pattern: '#fe9e9e', highlight: '#ff7fa3' },
  red: { solid: '#e03131', semi: '#f4dadb', pattern: '#e55959', highlight: '#ff636e' },
}
/** The canvas colour (text outlines) and the `semi` fill's near-white. */
export const BACKGROUND = '#f9fafb'
const SEMI_FILL = '#fcfffe'

export const STROKE_SIZES: Record<string, number> = { s: 2, m: 3.5, l: 5, xl: 10 }
export const FONT_SIZES: Record<string, number> = { s: 18, m: 24, l: 36, xl: 44 }
export const LABEL_FONT_SIZES: Record<string, number> = { s: 18, m: 22, l: 26, xl: 32 }
export const ARROW_LABEL_FONT_SIZES: Record<string, number> = { s: 18, m: 20, l: 24, xl: 28 }
export const LINE_HEIGHT = 1.35
const FACES: Record<string, Parameters<typeof face>[0]> = { draw: 'v2-draw', sans: 'v2-sans', serif: 'v2-serif', mono: 'v2-mono' }

export const colourOf = (name: unknown) => PALETTE[String(name)] ?? PALETTE.black!
export const fontOf = (name: unknown): Face => face(FACES[String(name ?? 'draw')] ?? 'v2-draw')
export const sizeKey = (size: unknown) => (['s', 'm', 'l', 'xl'].includes(String(size)) ? String(size) : 'm')
export type Dash = 'draw' | 'solid' | 'dashed' | 'dotted'
export const dashOf = (dash: unknown): Dash => (['draw', 'solid', 'dashed', 'dotted'].includes(String(dash)) ? (dash as Dash) : 'draw')

/** The hatch tile of a `pattern` fill: lines of the colour's pattern shade on near-white, 8 units apart. */
function hatch(colour: string): { id: string; def: string } {
  const c = colourOf(colour)
  const id = `tl-hatch-${String(colour).replace(/[^a-z-]/g, '')}`
  const t = 8 / 12
  const lines = [[t, 3 * t, 3 * t, t], [5 * t, 7 * t, 7 * t, 5 * t], [9 * t, 11 * t, 11 * t, 9 * t]]
    .map(([x1, y1, x2, y2]) => `<line x1="${x1!.toFixed(3)}" y1="${y1!.toFixed(3)}" x2="${x2!.toFixed(3)}" y2="${y2!.toFixed(3)}"/>`).join('')
  return { id, def: `<defs><pattern id="${id}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="#f8f9fa"/><g stroke="${c.pattern}" stroke-width="1.25" stroke-linecap="round">${lines}</g></pattern></defs>` }
}

/** tldraw 2's ShapeFill: `semi` paints near-white, `solid` the colour's pale `semi`, `pattern` a hatch. */
export function shapeFill(fill: unknown, colour: unknown, d: string): string {
  if (!d) return ''
  if (fill === 'semi') return `<path d="${d}" fill="${SEMI_FILL}"/>`
  if (fill === 'solid') return `<path d="${d}" fill="${colourOf(colour).semi}"/>`
  if (fill === 'pattern') {
    const { id, def } = hatch(String(colour))
    return `${def}<path d="${d}" fill="url(#${id})"/>`
  }
  return ''
}
