import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Dispatcher } from 'undici'
import { safeAssetPath, type AssetSource } from './asset-source.ts'
import { ffmetadata, slideChapters, type ChapterLanguage } from './chapters.ts'
import { chatTimeline, type ChatMode } from './chat.ts'
import { chatPanelSvg } from './chat-panel.ts'
import { ConvertError } from './errors.ts'
import { buildAudioCommand, buildMuxCommand, buildProbeCommand, buildVideoCommand, type RenderPlan, type WebcamLayout } from './ffmpeg-command.ts'
import { probe, runFfmpeg } from './ffmpeg-runner.ts'
import { FrameRenderer } from './frame-renderer.ts'
import { onOutput, webcamPlan, type WebcamChoice } from './layout.ts'
import { fetchMedia } from './media.ts'
import { loadPresentation, XML_MAX_BYTES } from './presentation-loader.ts'
import { parseCaptions, type Presentation } from './presentation.ts'
import { resolvePlayback } from './resolve-playback.ts'
import { feedFrames, frameSchedule } from './feed.ts'
import { buildTimeline } from './timeline.ts'
import { downloadVideoPlayback } from './video-playback.ts'
import { silentLogger, type WarningLog } from '../log.ts'

export interface ConvertOptions {
  width?: 1280 | 1920
  /** Where the cameras go (default `auto`: beside the content while they show a picture). */
  webcam?: WebcamChoice
  cursor?: boolean
  annotations?: boolean
  from?: number
  to?: number
  /** The language of chapter titles made up when a slide has no text, and of the chat panel (default fr). */
  lang?: ChapterLanguage
  /** The chat and polls in a column beside the content (`anonymous`: writers named "Participant N"); default none. */
  chat?: ChatMode
  onProgress?: (percent: number) => void
  /** Where the converter says what it leaves out (a missing file, a shape it cannot draw). */
  log?: WarningLog
  signal?: AbortSignal
  allowedOrigins?: string[]
  /** The input is a published folder (the CLI's --local). */
  local?: boolean
  dispatcher?: Dispatcher
  tmpDir?: string
  maxMediaBytes?: number
  maxImageBytes?: number
  retries?: number
}

export interface ConvertResult {
  kind: 'presentation' | 'video'
  recordId: string
  durationS: number
  frames: number
  webcam: WebcamLayout
  output: string
}

const MiB = 1024 * 1024

async function media(source: AssetSource, dir: string, options: ConvertOptions, p: Presentation) {
  const max = options.maxMediaBytes ?? 8192 * MiB
  const [webcams, deskshare, captionsJson] = await Promise.all([
    fetchMedia(source, ['video/webcams.webm', 'video/webcams.mp4'], dir, max, options.signal),
    p.deskshare.length ? fetchMedia(source, ['deskshare/deskshare.webm', 'deskshare/deskshare.mp4'], dir, max, options.signal) : null,
    source.read('captions.json', XML_MAX_BYTES),
  ])
  const audio = webcams?.hasAudio ? webcams : await fetchMedia(source, ['audio/audio.webm', 'audio/audio.ogg', 'audio/audio.opus'], dir, max, options.signal)
  if (!audio?.hasAudio) throw new ConvertError(`no audio in ${source.label}: video/webcams.(webm|mp4) and audio/audio.(webm|ogg) are missing or silent`)
  const captions: Array<{ file: string; language: string; title: string }> = []
  for (const c of parseCaptions(captionsJson?.toString('utf8') ?? null)) {
    const file = await source.fetchToFile(`caption_${c.locale}.vtt`, path.join(dir, `caption_${c.locale}.vtt`), XML_MAX_BYTES)
    if (file) captions.push({ file, language: c.locale, title: c.name })
    else options.log?.warn(`captions.json names ${c.locale} but caption_${c.locale}.vtt is missing`)
  }
  return { webcams, deskshare, audio, captions }
}

/** The chapters file: one chapter per slide change, titled by the slides' text files where BBB wrote them. */
async function chaptersFile(source: AssetSource, p: Presentation, range: { from: number; to: number }, dir: string,
  lang: ChapterLanguage | undefined): Promise<string | undefined> {
  const texts = new Map<string, string | null>()
  for (const href of new Set(p.slides.flatMap((s) => (s.textHref ? [s.textHref] : [])))) {
    texts.set(href, (await source.read(safeAssetPath(href), 64 * 1024).catch(() => null))?.toString('utf8') ?? null)
  }
  const chapters = slideChapters(p.slides, texts, range, lang)
  if (!chapters.length) return undefined
  const file = path.join(dir, 'chapters.txt')
  await writeFile(file, ffmetadata(chapters))
  return file
}

type Media = Awaited<ReturnType<typeof media>>

/** What the picture shows: its plan, and how many distinct frames the renderer drew. */
interface Drawn {
  plan: RenderPlan
  frames: number
}

/** The stretch to draw, where its files go, and how it stops: `failFast` wraps the picture's ffmpeg. */
interface PictureJob {
  from: number
  to: number
  tmp: string
  videoFile: string
  /** The output's temporary name, which the plan carries. */
  part: string
  signal: AbortSignal
  failFast: <T>(run: Promise<T>) => Promise<T>
}

/**
 * Decides the layout and draws the picture into its file (H.264, no sound): the cameras' plan,
 * the frames, the renderer feeding one ffmpeg. The plan says what was drawn.
 */
async function renderPicture(p: Presentation, source: AssetSource, files: Media, job: PictureJob, options: ConvertOptions): Promise<Drawn> {
  const { from, to, signal } = job
  const log = options.log ?? silentLogger
  const width = options.width ?? 1280
  const height = Math.round((width * 9) / 16 / 2) * 2
  const duration = to - from
  const webcam = await webcamPlan(p, files.webcams, options.webcam ?? 'auto', { from, duration }, log, signal)
  const desk = files.deskshare?.hasVideo ? files.deskshare : null
  const intervals = onOutput(p.deskshare, from, duration)
  const deskshare = desk && intervals.length ? { file: desk.file, intervals } : undefined
  const columnWidth = Math.round(width / 4 / 2) * 2
  const chat = chatTimeline(p.chat, p.polls, options.chat ?? 'none')
  if ((options.chat ?? 'none') !== 'none' && !chat.length) log.warn('no chat message or poll in this recording: no chat panel')
  const frames = buildTimeline(p, { from, to, cursor: options.cursor ?? true, annotations: options.annotations ?? true, minFrameGap: 0.1,
    panelTimes: chat.map((c) => c.t),
    columnOn: webcam?.layout === 'side' ? webcam.on : [],
  })
  const plan: RenderPlan = {
    width, height, columnWidth, column: chat.length ? 'always' : webcam?.layout === 'side' ? 'cameras' : 'never', from, duration, audio: files.audio.file, deskshare, webcam,
    clockFps: Math.min(30, Math.max(5, Math.round((webcam ? files.webcams?.fps : desk?.fps) ?? 15))),
    captions: files.captions, chapters: await chaptersFile(source, p, { from, to }, job.tmp, options.lang), output: job.part,
    // Slides alone are a few thousand frames; a moving picture is every frame of an hour.
    preset: deskshare || webcam ? 'ultrafast' : 'veryfast', quality: 23,
  }
  const loadImage = (href: string) => source.read(safeAssetPath(href), options.maxImageBytes ?? 64 * MiB)
  // The chat column keeps the cameras' place at its top when the recording has cameras.
  const chatPanel = chat.length ? (n: number) => chatPanelSvg(chat, n, { width: columnWidth, height, top: webcam ? Math.round((columnWidth * 3) / 4) : 0 },
    options.lang) : undefined
  const renderer = new FrameRenderer(p, { width, height, columnWidth, chat: chatPanel }, loadImage, log)
  await job.failFast(runFfmpeg(buildVideoCommand(plan, job.videoFile), {
    duration, signal, onProgress: options.onProgress && ((percent) => options.onProgress!(Math.min(99, percent))),
    feed: (stdin) => feedFrames(stdin, renderer, frameSchedule(frames, duration), width, height),
  }))
  return { plan, frames: frames.length }
}

/**
 * The converter's policy: resolve the playback, fetch what exists, decide the layout, render the
 * frames into one ffmpeg while another encodes the sound, then mux both with the captions. The
 * output appears only once it is complete.
 */
export async function convertPlayback(input: string, output: string, options: ConvertOptions = {}): Promise<ConvertResult> {
  const log = options.log ?? silentLogger
  const playback = await resolvePlayback(input, options)
  const part = path.join(path.dirname(path.resolve(output)), `.${path.basename(output)}.part`)
  const tmp = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'bbb-convert-'))
  try {
    if (playback.kind === 'video') {
      const durationS = await downloadVideoPlayback(playback.source, part, options.maxMediaBytes ?? 8192 * MiB)
      await rename(part, output)
      return { kind: 'video', recordId: playback.recordId, durationS, frames: 0, webcam: 'none', output }
    }
    const p = await loadPresentation(playback.source, log)
    const files = await media(playback.source, tmp, options, p)
    const from = Math.max(0, options.from ?? 0)
    const to = Math.min(options.to ?? p.durationS, p.durationS)
    if (!(to > from)) throw new ConvertError(`nothing to convert between ${from} s and ${to} s (the recording lasts ${p.durationS} s)`)
    const videoFile = path.join(tmp, 'picture.mp4'), audioFile = path.join(tmp, 'sound.m4a')
    const stop = new AbortController()
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
    let firstFailure: unknown
    /** The first failure of picture or sound stops the other, and is the one reported. */
    const failFast = <T>(run: Promise<T>) => run.catch((error: unknown) => {
      firstFailure ??= error
      stop.abort()
      throw error
    })
    // The sound needs nothing of the layout: it is encoded while the cameras are sampled and the
    // picture drawn, on the cycles they leave. It is a fraction of the picture's work, so at the
    // lowest priority it still ends first, without slowing the picture that the job waits for.
    const sound = failFast(runFfmpeg(buildAudioCommand({ audio: files.audio.file, channels: files.audio.audioChannels, from, duration: to - from }, audioFile),
      { signal, lowPriority: true }))
    sound.catch(() => {})
    let drawn: Drawn
    try {
      drawn = await renderPicture(p, playback.source, files, { from, to, tmp, videoFile, part, signal, failFast }, options)
      await sound
    } catch (error) {
      stop.abort()
      await sound.catch(() => {})
      throw firstFailure ?? error
    }
    const { plan, frames } = drawn
    await runFfmpeg(buildMuxCommand(plan, videoFile, audioFile), { signal: options.signal })
    const written = await probe(buildProbeCommand(part), options.signal)
    const durationS = Number(written.format.duration ?? 0)
    if (Math.abs(durationS - plan.duration) > 0.5) throw new ConvertError(`the output lasts ${durationS.toFixed(1)} s instead of ${plan.duration.toFixed(1)} s`)
    await rename(part, output)
    options.onProgress?.(100)
    return { kind: 'presentation', recordId: playback.recordId, durationS, frames, webcam: plan.webcam?.layout ?? 'none', output }
  } finally {
    await rm(tmp, { recursive: true, force: true })
    await rm(part, { force: true })
  }
}
