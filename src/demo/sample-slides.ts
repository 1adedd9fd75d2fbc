import { Resvg } from '@resvg/resvg-js'
import { face } from '../convert/fonts.ts'
import { escapeXml } from './fake-bbb-xml.ts'

/** One slide of a sample lecture: what a teacher would have on it. */
export interface SampleSlide {
  title: string
  bullets: string[]
  diagram: 'vectors' | 'cycle' | 'bars'
}

export const SLIDE_WIDTH = 1600
const SLIDE_HEIGHT = 900
const ACCENT = '#1f4e8c'

// Simple diagrams on the right half of the slide (x 900–1500, y 260–780), drawn as a teacher's deck would.
const diagrams: Record<SampleSlide['diagram'], string> = {
  vectors: `<g stroke="#333" stroke-width="4" fill="none"><path d="M960 760H1480M960 760V300"/></g>
    <g stroke-width="10" stroke-linecap="round"><path d="M960 760L1340 520" stroke="#c0392b"/><path d="M960 760L1120 380" stroke="#27ae60"/><path d="M960 760L1500 140" stroke="#8e44ad" stroke-dasharray="18 14"/></g>
    <g font-size="44" font-style="italic"><text x="1350" y="510" fill="#c0392b">u</text><text x="1130" y="370" fill="#27ae60">v</text><text x="1380" y="300" fill="#8e44ad">u + v</text></g>`,
  cycle: `<g fill="#eaf1fb" stroke="${ACCENT}" stroke-width="4"><rect x="1050" y="270" width="300" height="110" rx="18"/><rect x="1250" y="560" width="300" height="110" rx="18"/><rect x="880" y="560" width="300" height="110" rx="18"/></g>
    <g font-size="36" text-anchor="middle" fill="${ACCENT}"><text x="1200" y="338">Offre</text><text x="1400" y="628">Acceptation</text><text x="1030" y="628">Contrat</text></g>
    <g stroke="#555" stroke-width="5" fill="none" marker-end="url(#arrow)"><path d="M1300 385L1380 550"/><path d="M1245 615H1190"/><path d="M1030 555L1100 390"/></g>`,
  bars: `<g fill="${ACCENT}"><rect x="980" y="560" width="90" height="200"/><rect x="1110" y="440" width="90" height="320"/><rect x="1240" y="340" width="90" height="420"/><rect x="1370" y="480" width="90" height="280"/></g>
    <path d="M950 760H1490" stroke="#333" stroke-width="4"/>
    <g font-size="30" text-anchor="middle" fill="#333"><text x="1025" y="800">T1</text><text x="1155" y="800">T2</text><text x="1285" y="800">T3</text><text x="1415" y="800">T4</text></g>`,
}

/** A slide as SVG: a title band, the course's name, bullet points and a diagram. */
export function slideSvg(slide: SampleSlide, course: string, page: number): string {
  const bullets = slide.bullets.map((b, i) =>
    `<circle cx="130" cy="${352 + i * 92}" r="9" fill="${ACCENT}"/><text x="160" y="${366 + i * 92}" font-size="42" fill="#1d2330">${escapeXml(b)}</text>`).join('')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SLIDE_WIDTH}" height="${SLIDE_HEIGHT}" viewBox="0 0 ${SLIDE_WIDTH} ${SLIDE_HEIGHT}" font-family="${face('v1-sans').family}">
  <defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto"><path d="M0 0L10 5L0 10z" fill="#555"/></marker></defs>
  <rect width="100%" height="100%" fill="#ffffff"/>
  <rect width="100%" height="170" fill="${ACCENT}"/>
  <text x="100" y="112" font-size="68" font-weight="bold" fill="#ffffff">${escapeXml(slide.title)}</text>
  ${bullets}
  ${diagrams[slide.diagram]}
  <text x="100" y="860" font-size="28" fill="#6b7385">${escapeXml(course)}</text>
  <text x="1500" y="860" font-size="28" fill="#6b7385" text-anchor="end">${page}</text>
</svg>`
}

/** The slide as a PNG at `width` pixels (the slide itself, or its thumbnail). */
export function renderSlide(svg: string, width: number): Buffer {
  const font = face('v1-sans')
  return new Resvg(svg, { fitTo: { mode: 'width', value: width }, font: { fontFiles: font.files, loadSystemFonts: false, defaultFontFamily: font.family } }).render().asPng()
}
