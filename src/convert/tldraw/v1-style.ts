import { face, type Face } from '../fonts.ts'

/**
 * tldraw 1.29's styles, as bbb-playback draws BBB 2.6/2.7 whiteboards (@tldraw/tldraw
 * src/state/shapes/shared/shape-styles.ts, light theme): the base colours, strokes (white drawn
 * black), fills 82% of the way to #fafafa, sticky fills 45% of the way.
 */
const COLOURS: Record<string, string> = {
  white: '#f0f1f3', lightGray: '#c6cbd1', gray: '#788492', black: '#1d1d1d', green: '#36b24d', cyan: '#0e98ad',
  blue: '#1c7ed6', indigo: '#4263eb', violet: '#7746f1', red: '#ff2133', orange: '#ff9433', yellow: '#ffc936',
}
const STROKE_WIDTHS: Record<string, number> = { small: 2, medium: 3.5, large: 5 }
const FONT_SIZES: Record<string, number> = { small: 28, medium: 48, large: 96 }
const STICKY_FONT_SIZES: Record<string, number> = { small: 24, medium: 36, large: 48 }
const FACES: Record<string, Parameters<typeof face>[0]> = { script: 'v1-script', sans: 'v1-sans', serif: 'v1-serif', mono: 'v1-mono' }
export const LETTER_SPACING_EM = -0.03

/** tldraw core's lerpColor: channel by channel, rounded. */
function lerpColour(from: string, to: string, t: number): string {
  const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))
  const [a, b] = [rgb(from), rgb(to)]
  return `#${a.map((v, i) => Math.round(v + t * (b[i]! - v)).toString(16).padStart(2, '0')).join('')}`
}

const base = (colour: unknown) => COLOURS[String(colour)] ?? COLOURS.black!

export interface V1Style {
  stroke: string
  fill: string
  strokeWidth: number
  isFilled: boolean
  dash: 'draw' | 'solid' | 'dashed' | 'dotted'
  font: Face
  fontSize: number
  stickyFontSize: number
  align: unknown
}

/** A shape's `style` as tldraw 1 reads it: defaults black, medium, draw, script, scale 1. */
export function v1Style(style: Record<string, unknown> = {}): V1Style {
  const colour = String(style.color ?? 'black')
  const size = String(style.size ?? 'medium')
  const scale = typeof style.scale === 'number' && style.scale > 0 ? style.scale : 1
  const dash = ['draw', 'solid', 'dashed', 'dotted'].includes(String(style.dash)) ? (style.dash as V1Style['dash']) : 'draw'
  return {
    stroke: colour === 'white' ? '#1d1d1d' : base(colour),
    fill: colour === 'white' ? '#fefefe' : lerpColour(base(colour), '#fafafa', 0.82),
    strokeWidth: STROKE_WIDTHS[size] ?? 3.5,
    isFilled: style.isFilled === true,
    dash,
    font: face(FACES[String(style.font ?? 'script')] ?? 'v1-script'),
    fontSize: (FONT_SIZES[size] ?? 48) * scale,
    stickyFontSize: (STICKY_FONT_SIZES[size] ?? 36) * scale,
    align: style.textAlign ?? 'middle',
  }
}

/** A sticky note's paper: white and black notes are yellow. */
export function stickyFill(colour: unknown): string {
  const c = colour === 'white' || colour === 'black' ? 'yellow' : String(colour ?? 'yellow')
  return lerpColour(base(c), '#fafafa', 0.45)
}
