import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { escapeXml, type FakeRecording } from './fake-bbb-xml.ts'
import { renderSlide, SLIDE_WIDTH, slideSvg, type SampleSlide } from './sample-slides.ts'
import type { WarningLog } from '../log.ts'

const run = promisify(execFile)
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')

interface Sample {
  name: string
  origin: 'moodle' | 'greenlight'
  course?: { id: number; label: string; name: string }
  daysAgo: number
  slides: SampleSlide[]
}

const SECONDS_PER_SLIDE = 20
const samples: Sample[] = [
  {
    name: 'Algèbre linéaire — séance 1', origin: 'moodle', course: { id: 12, label: 'MATH101', name: 'Algèbre linéaire L1' }, daysAgo: 3,
    slides: [
      { title: 'Espaces vectoriels', bullets: ['Un ensemble muni de deux lois', 'Addition de vecteurs', 'Multiplication par un scalaire'], diagram: 'vectors' },
      { title: 'Bases et dimension', bullets: ['Famille libre', 'Famille génératrice', 'Toutes les bases ont le même cardinal'], diagram: 'vectors' },
      { title: 'Exercices', bullets: ['Montrer que u et v forment une base', 'Calculer les coordonnées de w'], diagram: 'bars' },
    ],
  },
  {
    name: 'Droit des contrats — CM 4', origin: 'moodle', course: { id: 31, label: 'DROIT204', name: 'Droit des contrats' }, daysAgo: 10,
    slides: [
      { title: 'La formation du contrat', bullets: ['Une offre ferme et précise', 'Une acceptation sans réserve', 'La rencontre des volontés'], diagram: 'cycle' },
      { title: 'Vices du consentement', bullets: ['L’erreur', 'Le dol', 'La violence'], diagram: 'cycle' },
    ],
  },
  {
    name: 'Salle de Claire Martin', origin: 'greenlight', daysAgo: 24,
    slides: [
      { title: 'Réunion de laboratoire', bullets: ['Avancement des thèses', 'Budget du semestre'], diagram: 'bars' },
      { title: 'Ordre du jour', bullets: ['Séminaire de rentrée', 'Questions diverses'], diagram: 'bars' },
    ],
  },
]

/** The Moodle the sample lectures were made from (bbb-origin-server-name). */
export const SAMPLE_MOODLE_SERVER = 'moodle.demo.univ.example'

/**
 * The Moodle activities the sample lectures were recorded in, as mod_bigbluebuttonbn names their
 * meetings (`<seed>-<course>-<activity>[group]`): the demo's sample Moodle holds them.
 */
export function moodleActivities() {
  return samples.flatMap((s, index) => (s.course ? [{ index, id: 40 + index, seed: sha1(`demo${index}`), courseId: s.course.id, courseLabel: s.course.label, courseName: s.course.name, name: s.name }] : []))
}

async function available(command: string, versionFlag: string): Promise<boolean> {
  try {
    await run(command, [versionFlag])
    return true
  } catch {
    return false
  }
}

/**
 * The lecture's sound: a French voice (espeak-ng) reading each slide, padded or cut to its
 * time; without espeak-ng, a quiet tone. Written as BBB publishes it (Opus in WebM).
 */
async function writeAudio(target: string, slides: SampleSlide[], voice: boolean): Promise<void> {
  if (!voice) {
    await ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=330:duration=${slides.length * SECONDS_PER_SLIDE}`, '-af', 'volume=0.3', '-c:a', 'libopus', '-b:a', '32k', target])
    return
  }
  // espeak-ng cuts long file names short without a word: it writes in a short temporary folder.
  const work = mkdtempSync(path.join(tmpdir(), 'bbbp-voice-'))
  const parts: string[] = []
  for (const [i, slide] of slides.entries()) {
    const wav = path.join(work, `voice-${i + 1}.wav`)
    await run('espeak-ng', ['-v', 'fr', '-s', '150', '-w', wav, `${slide.title}. ${slide.bullets.join('. ')}.`])
    parts.push(wav)
  }
  const pads = parts.map((_, i) => `[${i}]atrim=0:${SECONDS_PER_SLIDE},apad=whole_dur=${SECONDS_PER_SLIDE}[a${i}]`).join(';')
  const chain = `${pads};${parts.map((_, i) => `[a${i}]`).join('')}concat=n=${parts.length}:v=0:a=1`
  try {
    await ffmpeg([...parts.flatMap((p) => ['-i', p]), '-filter_complex', chain, '-ar', '48000', '-c:a', 'libopus', '-b:a', '32k', target])
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

async function ffmpeg(args: string[]): Promise<void> {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args])
}

function shapesSvg(presId: string, slides: SampleSlide[]): string {
  const images = slides.map((slide, i) => {
    const n = i + 1
    const inAt = (i * SECONDS_PER_SLIDE).toFixed(1)
    const outAt = ((i + 1) * SECONDS_PER_SLIDE).toFixed(1)
    // A pencil stroke drawn in two steps (two versions of one shape), then a second stroke undone later.
    const t = i * SECONDS_PER_SLIDE
    return `  <image id="image${n}" class="slide" in="${inAt}" out="${outAt}" xlink:href="presentation/${presId}/slide-${n}.png" width="1600" height="900" x="0" y="0" style="visibility:hidden" text="presentation/${presId}/textfiles/slide-${n}.txt"/>
  <g class="canvas" id="canvas${n}" image="image${n}" display="none">
    <g id="image${n}-draw1" class="shape" timestamp="${(t + 4).toFixed(1)}" undo="-1" shape="image${n}-pencil1" style="stroke:#ff0000;stroke-linecap:round;stroke-linejoin:round;stroke-width:8;visibility:hidden;fill:none"><path d="M150 386L450 383"/></g>
    <g id="image${n}-draw2" class="shape" timestamp="${(t + 6).toFixed(1)}" undo="-1" shape="image${n}-pencil1" style="stroke:#ff0000;stroke-linecap:round;stroke-linejoin:round;stroke-width:8;visibility:hidden;fill:none"><path d="M150 386L450 383L600 389L700 384"/></g>
    <g id="image${n}-draw3" class="shape" timestamp="${(t + 9).toFixed(1)}" undo="${(t + 15).toFixed(1)}" shape="image${n}-ellipse2" style="stroke:#0000ff;stroke-width:6;visibility:hidden;fill:none"><ellipse cx="1200" cy="520" rx="340" ry="300"/></g>
  </g>`
  })
  return `<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" id="svgfile" style="position:absolute;height:600px;width:800px" version="1.1" viewBox="0 0 800 600">
${images.join('\n')}
</svg>
`
}

function eventsXml(id: string, events: Array<[number, string, string]>): string {
  const body = events.map(([t, tag, value]) => `  <event timestamp="${t.toFixed(1)}">\n    <${tag}>${value}</${tag}>\n  </event>`).join('\n')
  return `<?xml version="1.0"?>\n<recording id="${id}">\n${body}\n</recording>\n`
}

/**
 * Writes a few published presentation recordings (slides, ink, zoom, cursor, audio) under
 * `dir` as BBB 2.2+ publishes them, and returns their getRecordings entries. Media files need
 * ffmpeg; without it the recordings are listed all the same, with a warning.
 */
export async function generateSampleRecordings(dir: string, baseUrl: string, log: WarningLog): Promise<FakeRecording[]> {
  const withMedia = await available('ffmpeg', '-version')
  if (!withMedia) log.warn('ffmpeg is not installed: the demo recordings have no audio (apt-get install ffmpeg)')
  const voice = withMedia && (await available('espeak-ng', '--version'))
  if (withMedia && !voice) log.warn('espeak-ng is not installed: the demo recordings have a tone instead of a voice (apt-get install espeak-ng)')
  const recordings: FakeRecording[] = []
  for (const [index, sample] of samples.entries()) {
    const activity = moodleActivities().find((a) => a.index === index)
    const meetingId = activity ? `${activity.seed}-${activity.courseId}-${activity.id}[0]` : sha1(`demo-room-${index}`)
    const startTime = Math.floor(Date.now() / 86_400_000 - sample.daysAgo) * 86_400_000 + 9 * 3_600_000
    const recordId = `${sha1(meetingId)}-${startTime}`
    const presId = `${sha1(`pres${index}`)}-${startTime + 1000}`
    const durationS = sample.slides.length * SECONDS_PER_SLIDE
    const root = path.join(dir, 'presentation', recordId)
    const pres = path.join(root, 'presentation', presId)
    if (!existsSync(path.join(root, 'metadata.xml'))) {
      for (const sub of ['textfiles', 'thumbnails']) mkdirSync(path.join(pres, sub), { recursive: true })
      mkdirSync(path.join(root, 'audio'), { recursive: true })
      for (const [i, slide] of sample.slides.entries()) {
        writeFileSync(path.join(pres, 'textfiles', `slide-${i + 1}.txt`), [slide.title, ...slide.bullets].join('\n'))
        const svg = slideSvg(slide, sample.course?.name ?? sample.name, i + 1)
        writeFileSync(path.join(pres, `slide-${i + 1}.png`), renderSlide(svg, SLIDE_WIDTH))
        writeFileSync(path.join(pres, 'thumbnails', `thumb-${i + 1}.png`), renderSlide(svg, 176))
      }
      if (withMedia) await writeAudio(path.join(root, 'audio', 'audio.webm'), sample.slides, voice)
      writeFileSync(path.join(root, 'shapes.svg'), shapesSvg(presId, sample.slides))
      writeFileSync(path.join(root, 'panzooms.xml'), eventsXml('panzoom_events', [[0, 'viewBox', '0.0 0.0 1600.0 900.0'], [12, 'viewBox', '400.0 225.0 800.0 450.0'], [16, 'viewBox', '0.0 0.0 1600.0 900.0']]))
      writeFileSync(path.join(root, 'cursor.xml'), eventsXml('cursor_events', [[0, 'cursor', '-1.0 -1.0'], [2, 'cursor', '0.25 0.75'], [7, 'cursor', '0.56 0.55'], [11, 'cursor', '-1.0 -1.0']]))
      writeFileSync(path.join(root, 'metadata.xml'), `<?xml version="1.0"?>
<recording><id>${recordId}</id><state>published</state><published>true</published><start_time>${startTime}</start_time><end_time>${startTime + durationS * 1000}</end_time>
<meeting id="${recordId}" externalId="${escapeXml(meetingId)}" name="${escapeXml(sample.name)}" breakout="false"/>
<playback><format>presentation</format><link>${baseUrl}playback/presentation/2.3/${recordId}</link><duration>${durationS * 1000}</duration></playback></recording>
`)
    }
    const metadata: Record<string, string> = sample.course
      ? {
          'bbb-origin': 'Moodle', 'bbb-origin-version': '4.1.9 (Build: 20240212)', 'bbb-origin-server-name': SAMPLE_MOODLE_SERVER,
          'bbb-context': sample.course.name, 'bbb-context-id': String(sample.course.id), 'bbb-context-label': sample.course.label,
          'bbb-recording-name': sample.name, 'bbb-recording-description': '', isBreakout: 'false', meetingId, meetingName: sample.name,
        }
      : { 'bbb-origin': 'greenlight', 'bbb-origin-version': '3', 'bbb-origin-server-name': 'greenlight.demo.univ.example', 'gl-listed': 'false', isBreakout: 'false', meetingId, meetingName: sample.name }
    recordings.push({
      recordId, meetingId, name: sample.name, published: true, state: 'published', startTime, endTime: startTime + durationS * 1000, participants: 12, metadata,
      formats: [{
        type: 'presentation', url: `/playback/presentation/2.3/${recordId}`, length: Math.round(durationS / 60), processingTime: 4000,
        previews: sample.slides.slice(0, 3).map((s, i) => ({ url: `/presentation/${recordId}/presentation/${presId}/thumbnails/thumb-${i + 1}.png`, width: 176, height: 99, alt: s.title })),
      }],
    })
  }
  return recordings
}
