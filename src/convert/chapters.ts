import type { Slide } from './presentation.ts'

export interface Chapter {
  start: number
  end: number
  title: string
}

const LABELS = {
  fr: { slide: (n: number) => `Diapositive ${n}`, screen: 'Partage d’écran', start: 'Début' },
  en: { slide: (n: number) => `Slide ${n}`, screen: 'Screen sharing', start: 'Start' },
}
export type ChapterLanguage = keyof typeof LABELS

/** The slide's number in its presentation (slide-3.png, svgs/slide3.svg). */
const slideNumber = (href: string) => Number(/slide-?(\d+)\.\w+$/.exec(href)?.[1] ?? 0)

/** A title from a slide's text: its first line that says something, cut at 80 characters. */
function titleFromText(text: string | null | undefined): string | undefined {
  const line = text?.split(/\r?\n/).map((l) => l.replace(/\s+/g, ' ').trim()).find((l) => /\p{L}/u.test(l))
  return line ? (line.length > 80 ? `${line.slice(0, 79)}…` : line) : undefined
}

/**
 * One chapter per slide change on the output's timeline: titled by the slide's text when the
 * recording has it, else "Diapositive N"; a slide shown again is a new chapter.
 */
export function slideChapters(slides: Slide[], texts: Map<string, string | null>, range: { from: number; to: number }, lang: ChapterLanguage = 'fr'): Chapter[] {
  const labels = LABELS[lang]
  const chapters: Chapter[] = []
  for (const s of [...slides].sort((a, b) => a.in - b.in)) {
    const start = Math.max(s.in, range.from) - range.from, end = Math.min(s.out, range.to) - range.from
    if (end <= start) continue
    const last = chapters.at(-1)
    const title = /(^|\/)deskshare\.png$/.test(s.href) ? labels.screen
      : titleFromText(s.textHref ? texts.get(s.textHref) : undefined) ?? (slideNumber(s.href) ? labels.slide(slideNumber(s.href)) : labels.start)
    if (last && last.title === title && Math.abs(last.end - start) < 0.05) last.end = end
    else chapters.push({ start, end, title })
  }
  if (chapters[0] && chapters[0].start > 0) chapters[0].start = 0
  return chapters
}

const escape = (s: string) => s.replace(/[=;#\\\n]/g, (c) => `\\${c}`)

/** ffmpeg's metadata file with the chapters (its muxer writes them as MP4 chapters). */
export function ffmetadata(chapters: Chapter[]): string {
  return `;FFMETADATA1\n${chapters.map((c) => `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${Math.round(c.start * 1000)}\nEND=${Math.round(c.end * 1000)}\ntitle=${escape(c.title)}\n`).join('')}`
}
