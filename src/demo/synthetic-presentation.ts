import { execFile } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ffmpeg = (args: string[]) => run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 20 })

/**
 * A published presentation recording described by what it should show, so tests can check
 * pixels and sound at known times and the benchmark can build long ones.
 */
export interface PresentationSpec {
  recordId: string
  durationS: number
  /** Slides of plain colours, 1600×900; `svg` slides are written as BBB 2.6 does. */
  slides: Array<{ colour: string; in: number; out: number; format?: 'png' | 'jpg' | 'svg'; text?: string }>
  /** Annotations: `svg` is the element drawn in slide coordinates, `style` the group's style. */
  ink?: Array<{ slide: number; t: number; undo?: number; shape: string; style: string; svg: string }>
  panzooms?: Array<[number, string]>
  cursor?: Array<[number, number, number]>
  deskshare?: { intervals: Array<[number, number]>; pattern: 'solid' | 'testsrc2'; colour?: string; fps?: number }
  /**
   * A webcam picture in video/webcams (otherwise the audio goes to audio/audio.webm): `blank` is
   * BBB's white filler when nobody had a camera, `on` the stretches a camera was on (white between).
   */
  webcam?: { fps?: number; blank?: boolean; on?: Array<[number, number]> }
  /** A 440 Hz tone with a 2 kHz beep of 0.3 s at this second. */
  beepAt?: number
  /** A recording of speech, repeated for the whole length instead of the tone (no beep then). */
  voice?: string
  /** Container of the media files; mp4 is much faster to generate for long recordings. */
  container?: 'webm' | 'mp4'
  captions?: Array<{ locale: string; name: string; cues: Array<[number, number, string]> }>
  /** BBB 2.6+'s whiteboard, written as tldraw.json. */
  tldraw?: object
  /** Leave these files out (to test refusals). */
  omit?: string[]
}

const t1 = (t: number) => t.toFixed(1)
const vtt = (s: number) => new Date(s * 1000).toISOString().slice(11, 23)

function shapesSvg(spec: PresentationSpec, presId: string): string {
  const images = spec.slides.map((s, i) => {
    const href = s.format === 'svg' ? `presentation/${presId}/svgs/slide${i + 1}.svg` : `presentation/${presId}/slide-${i + 1}.${s.format ?? 'png'}`
    const shapes = (spec.ink ?? []).map((ink, k) => ({ ink, k })).filter(({ ink }) => ink.slide === i)
      .map(({ ink, k }) => `    <g id="image${i + 1}-draw${k + 1}" class="shape" timestamp="${t1(ink.t)}" undo="${ink.undo === undefined ? '-1' : t1(ink.undo)}" shape="image${i + 1}-${ink.shape}" style="${ink.style};visibility:hidden">${ink.svg}</g>`)
    const canvas = shapes.length ? `\n  <g class="canvas" id="canvas${i + 1}" image="image${i + 1}" display="none">\n${shapes.join('\n')}\n  </g>` : ''
    // BBB names the slide's text file whether or not it wrote one.
    return `  <image id="image${i + 1}" class="slide" in="${t1(s.in)}" out="${t1(s.out)}" xlink:href="${href}" width="1600" height="900" x="0" y="0" style="visibility:hidden" text="presentation/${presId}/textfiles/slide-${i + 1}.txt"/>${canvas}`
  })
  return `<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" id="svgfile" style="position:absolute;height:600px;width:800px" version="1.1" viewBox="0 0 800 600">\n${images.join('\n')}\n</svg>\n`
}

const events = (id: string, tag: string, list: Array<[number, string]>) =>
  `<?xml version="1.0"?>\n<recording id="${id}">\n${list.map(([t, v]) => `  <event timestamp="${t1(t)}">\n    <${tag}>${v}</${tag}>\n  </event>`).join('\n')}\n</recording>\n`

function audioArgs(spec: PresentationSpec): string[] {
  const d = spec.durationS
  if (spec.voice) return ['-stream_loop', '-1', '-t', String(d), '-i', spec.voice]
  const tone = `sine=frequency=440:sample_rate=48000:duration=${d},volume=0.3`
  if (spec.beepAt === undefined) return ['-f', 'lavfi', '-i', tone]
  const beepMs = Math.round(spec.beepAt * 1000)
  return ['-f', 'lavfi', '-i', `${tone}[a];sine=frequency=2000:sample_rate=48000:duration=0.3,volume=0.8,adelay=${beepMs}[b];[a][b]amix=inputs=2:duration=first:normalize=0`]
}

/** Writes the recording under `root/presentation/<recordId>/` and returns that folder. */
export async function writeSyntheticPresentation(root: string, spec: PresentationSpec): Promise<string> {
  const dir = path.join(root, 'presentation', spec.recordId)
  const presId = `d2d9a672040fbde2a47a10bf6c37b6a4b5ae187f-${1700000000000}`
  const pres = path.join(dir, 'presentation', presId)
  await mkdir(path.join(pres, 'svgs'), { recursive: true })
  const omit = new Set(spec.omit ?? [])
  const put = async (rel: string, content: string) => {
    if (!omit.has(rel)) await writeFile(path.join(dir, rel), content)
  }
  const mp4 = spec.container === 'mp4'
  await Promise.all(spec.slides.map(async (s, i) => {
    if (s.text !== undefined) {
      await mkdir(path.join(pres, 'textfiles'), { recursive: true })
      await writeFile(path.join(pres, 'textfiles', `slide-${i + 1}.txt`), s.text)
    }
    if (s.format === 'svg') {
      return writeFile(path.join(pres, 'svgs', `slide${i + 1}.svg`), `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900" viewBox="0 0 1600 900"><rect width="1600" height="900" fill="${s.colour}"/><circle cx="800" cy="450" r="200" fill="#ffffff"/></svg>`)
    }
    await ffmpeg(['-f', 'lavfi', '-i', `color=c=${s.colour}:s=1600x900`, '-frames:v', '1', path.join(pres, `slide-${i + 1}.${s.format ?? 'png'}`)])
  }))
  await put('metadata.xml', `<?xml version="1.0"?>\n<recording><id>${spec.recordId}</id><state>published</state><published>true</published><start_time>1700000000000</start_time><end_time>${1700000000000 + spec.durationS * 1000}</end_time><meeting id="${spec.recordId}" externalId="synthetic" name="Synthetic ${spec.recordId}" breakout="false"/><meta/><playback><format>presentation</format><link>/playback/presentation/2.3/${spec.recordId}</link><duration>${Math.round(spec.durationS * 1000)}</duration></playback></recording>\n`)
  await put('shapes.svg', shapesSvg(spec, presId))
  if (spec.panzooms) await put('panzooms.xml', events('panzoom_events', 'viewBox', spec.panzooms))
  if (spec.cursor) await put('cursor.xml', events('cursor_events', 'cursor', spec.cursor.map(([t, x, y]) => [t, `${x} ${y}`])))
  const ext = mp4 ? 'mp4' : 'webm'
  const [vcodec, acodec] = mp4 ? ['libx264', 'aac'] : ['libvpx', 'libopus']
  const fast = mp4 ? ['-preset', 'ultrafast'] : ['-deadline', 'realtime', '-cpu-used', '8']
  if (!omit.has('audio')) {
    if (spec.webcam) {
      await mkdir(path.join(dir, 'video'), { recursive: true })
      const rate = `r=${spec.webcam.fps ?? 15}:d=${spec.durationS}`
      const picture = spec.webcam.blank ? `color=c=white:s=320x240:${rate}`
        : spec.webcam.on ? `color=c=white:s=320x240:${rate}[w];testsrc2=s=320x240:${rate}[c];[w][c]overlay=enable='${spec.webcam.on.map(([a, b]) => `between(t,${a},${b})`).join('+')}'`
          : `testsrc2=s=320x240:${rate}`
      await ffmpeg(['-f', 'lavfi', '-i', picture, ...audioArgs(spec), '-c:v', vcodec, ...fast, '-g', String(spec.webcam.fps ?? 15), '-pix_fmt', 'yuv420p', '-c:a', acodec, '-b:a', '48k', '-ar', '48000', '-shortest', path.join(dir, 'video', `webcams.${ext}`)])
    } else {
      await mkdir(path.join(dir, 'audio'), { recursive: true })
      await ffmpeg([...audioArgs(spec), '-c:a', 'libopus', '-b:a', '32k', '-ar', '48000', path.join(dir, 'audio', 'audio.webm')])
    }
  }
  if (spec.deskshare) {
    const d = spec.deskshare
    await put('deskshare.xml', `<?xml version="1.0"?>\n<recording id="deskshare_events">\n${d.intervals.map(([a, b]) => `  <event start_timestamp="${t1(a)}" stop_timestamp="${t1(b)}" video_width="1280" video_height="720"/>`).join('\n')}\n</recording>\n`)
    await mkdir(path.join(dir, 'deskshare'), { recursive: true })
    const source = d.pattern === 'solid' ? `color=c=${d.colour ?? 'magenta'}:s=1280x720:r=${d.fps ?? 5}:d=${spec.durationS}` : `testsrc2=s=1280x720:r=${d.fps ?? 5}:d=${spec.durationS}`
    await ffmpeg(['-f', 'lavfi', '-i', source, '-c:v', vcodec, ...fast, '-pix_fmt', 'yuv420p', path.join(dir, 'deskshare', `deskshare.${ext}`)])
  }
  if (spec.tldraw) await put('tldraw.json', JSON.stringify(spec.tldraw))
  if (spec.captions) {
    await put('captions.json', JSON.stringify(spec.captions.map((c) => ({ localeName: c.name, locale: c.locale }))))
    for (const c of spec.captions) await put(`caption_${c.locale}.vtt`, `WEBVTT\n\n${c.cues.map(([a, b, text]) => `${vtt(a)} --> ${vtt(b)}\n${text}\n`).join('\n')}`)
  }
  return dir
}
