import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { inflateSync } from 'node:zlib'
import opentype from 'opentype.js'

/**
 * The fonts of the BBB player's whiteboards, from the @fontsource packages (SIL OFL 1.1): tldraw 1
 * (BBB 2.6/2.7) writes in Caveat Brush, Source Sans Pro, Crimson Pro and Source Code Pro at weight
 * 400; tldraw 2 (BBB 3.0) in Shantell Sans SemiBold and IBM Plex Sans, Serif and Mono Medium.
 * resvg reads TrueType, not WOFF: each file is unpacked once into the temporary folder.
 */
export type FaceName = 'v1-script' | 'v1-sans' | 'v1-serif' | 'v1-mono' | 'v2-draw' | 'v2-sans' | 'v2-serif' | 'v2-mono' | 'dejavu'

const FACES: Record<Exclude<FaceName, 'dejavu'>, { pkg: string; weight: number }> = {
  'v1-script': { pkg: 'caveat-brush', weight: 400 },
  'v1-sans': { pkg: 'source-sans-pro', weight: 400 },
  'v1-serif': { pkg: 'crimson-pro', weight: 400 },
  'v1-mono': { pkg: 'source-code-pro', weight: 400 },
  'v2-draw': { pkg: 'shantell-sans', weight: 600 },
  'v2-sans': { pkg: 'ibm-plex-sans', weight: 500 },
  'v2-serif': { pkg: 'ibm-plex-serif', weight: 500 },
  'v2-mono': { pkg: 'ibm-plex-mono', weight: 500 },
}
const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'

export interface Face {
  /** The family name resvg knows the face by. */
  family: string
  /** TrueType files: latin, then latin-ext. */
  files: string[]
  /** Ascent and descent in ems, as browsers place a line (hhea, or typo with USE_TYPO_METRICS). */
  ascent: number
  descent: number
  /** The advance of a text in pixels at a font size, kerning included. */
  width(text: string, size: number, letterSpacingEm?: number): number
}

const require = createRequire(import.meta.url)
const cacheDir = path.join(os.tmpdir(), 'bbb-portal-fonts')

/** WOFF 1.0 → SFNT: the same tables, inflated where compressed, behind an SFNT directory. */
function woffToSfnt(woff: Buffer): Buffer {
  if (woff.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF file')
  const count = woff.readUInt16BE(12)
  const tables = Array.from({ length: count }, (_, i) => {
    const at = 44 + i * 20
    const [offset, compressed, length] = [woff.readUInt32BE(at + 4), woff.readUInt32BE(at + 8), woff.readUInt32BE(at + 12)]
    const raw = woff.subarray(offset, offset + compressed)
    return { tag: woff.readUInt32BE(at), checksum: woff.readUInt32BE(at + 16), data: compressed < length ? inflateSync(raw) : raw }
  })
  const log2 = Math.floor(Math.log2(count))
  const head = Buffer.alloc(12 + count * 16)
  head.writeUInt32BE(woff.readUInt32BE(4), 0)
  head.writeUInt16BE(count, 4)
  head.writeUInt16BE(16 * 2 ** log2, 6)
  head.writeUInt16BE(log2, 8)
  head.writeUInt16BE(count * 16 - 16 * 2 ** log2, 10)
  const bodies: Buffer[] = []
  let offset = head.length
  tables.forEach((table, i) => {
    head.writeUInt32BE(table.tag, 12 + i * 16)
    head.writeUInt32BE(table.checksum, 16 + i * 16)
    head.writeUInt32BE(offset, 20 + i * 16)
    head.writeUInt32BE(table.data.length, 24 + i * 16)
    const padded = Buffer.alloc(Math.ceil(table.data.length / 4) * 4)
    table.data.copy(padded)
    bodies.push(padded)
    offset += padded.length
  })
  return Buffer.concat([head, ...bodies])
}

function unpacked(woffFile: string): string {
  const target = path.join(cacheDir, `${path.basename(woffFile, '.woff')}.ttf`)
  if (!existsSync(target)) {
    mkdirSync(cacheDir, { recursive: true })
    const part = `${target}.${process.pid}.part`
    writeFileSync(part, woffToSfnt(readFileSync(woffFile)))
    renameSync(part, target)
  }
  return target
}

function load(files: string[]): Face {
  const font = opentype.parse(readFileSync(files[0]!).buffer as ArrayBuffer)
  const em = font.unitsPerEm
  const os2 = font.tables.os2 as { sTypoAscender: number; sTypoDescender: number; fsSelection: number } | undefined
  const typo = os2 && (os2.fsSelection & 0x80) !== 0
  const glyphs = new Map<string, opentype.Glyph>()
  const glyph = (ch: string) => glyphs.get(ch) ?? glyphs.set(ch, font.charToGlyph(ch)).get(ch)!
  return {
    family: font.getEnglishName('preferredFamily') ?? font.getEnglishName('fontFamily') ?? 'DejaVu Sans',
    files,
    ascent: (typo ? os2!.sTypoAscender : font.ascender) / em,
    descent: Math.abs(typo ? os2!.sTypoDescender : font.descender) / em,
    width(text, size, letterSpacingEm = 0) {
      let units = 0
      let previous: opentype.Glyph | undefined
      for (const ch of text) {
        const g = glyph(ch)
        units += (g.advanceWidth ?? 0) + (previous ? font.getKerningValue(previous, g) : 0)
        previous = g
      }
      return (units / em) * size + [...text].length * letterSpacingEm * size
    },
  }
}

const loaded = new Map<FaceName, Face>()

/** A face of the player's fonts (DejaVu Sans for pre-2.6 text), loaded on first use. */
export function face(name: FaceName): Face {
  let found = loaded.get(name)
  if (!found) {
    if (name === 'dejavu') found = load([DEJAVU])
    else {
      const { pkg, weight } = FACES[name]
      const dir = path.dirname(require.resolve(`@fontsource/${pkg}/package.json`))
      found = load(['latin', 'latin-ext'].map((subset) => unpacked(path.join(dir, 'files', `${pkg}-${subset}-${weight}-normal.woff`))))
    }
    loaded.set(name, found)
  }
  return found
}

/** The font files an SVG needs: DejaVu Sans always, the player's faces its text names. */
export function fontFilesFor(svg: string): string[] {
  const files = existsSync(DEJAVU) ? [DEJAVU] : []
  for (const [name, f] of loaded) if (name !== 'dejavu' && svg.includes(`font-family="${f.family}"`)) files.push(...f.files)
  return files
}
