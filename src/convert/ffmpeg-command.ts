/**
 * Pure builders of ffmpeg argument arrays: no I/O here, so every layout can be unit-tested on
 * the arguments it produces.
 */

export type WebcamLayout = 'none' | 'pip' | 'side'

export interface RenderPlan {
  width: number
  height: number
  /** Width of the slides area: the whole width, or what the webcam column leaves. */
  areaWidth: number
  /** Where the output starts in the recording (--from), and its length, in seconds. */
  from: number
  duration: number
  /** The file with the master audio (webcams or audio). */
  audio: string
  deskshare?: { file: string; intervals: Array<{ start: number; stop: number }> }
  webcam?: { file: string; layout: Exclude<WebcamLayout, 'none'> }
  /** Output frame rate when a moving picture (webcam, screenshare) is shown; slides alone stay variable. */
  clockFps?: number
  captions: Array<{ file: string; language: string; title: string }>
  output: string
  preset: string
  crf: number
}

const QUIET = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y']
const seconds = (s: number) => s.toFixed(3)

/** The ISO 639-2 code MP4 wants; BBB captions use two-letter locales. */
const ISO639_2: Record<string, string> = {
  fr: 'fra', en: 'eng', de: 'deu', es: 'spa', it: 'ita', pt: 'por', nl: 'nld', ar: 'ara', zh: 'zho', ja: 'jpn', ru: 'rus', pl: 'pol', ca: 'cat', eu: 'eus', br: 'bre', oc: 'oci',
}
export const captionLanguage = (locale: string) => ISO639_2[locale.slice(0, 2).toLowerCase()] ?? (/^[a-z]{3}$/i.test(locale) ? locale.toLowerCase() : 'und')

/** A media file read from the plan's start, for the plan's length. */
function inputArgs(file: string, plan: Pick<RenderPlan, 'from' | 'duration'>): string[] {
  return [...(plan.from ? ['-ss', seconds(plan.from)] : []), '-t', seconds(plan.duration), '-i', file]
}

/** The `enable` expression of an overlay shown only during the given intervals (output time). */
export function betweenExpression(intervals: Array<{ start: number; stop: number }>): string {
  return intervals.map((i) => `between(t,${seconds(i.start)},${seconds(i.stop)})`).join('+') || '0'
}

/**
 * The picture: frames from the renderer on stdin (raw Matroska, I420), screenshare and webcam
 * overlaid, H.264 yuv420p. Audio is encoded by its own process at the same time (ffmpeg 5 runs
 * its encoders on one thread, so AAC would wait for the picture) and both meet in the final mux.
 */
export function buildVideoCommand(plan: RenderPlan, videoOut: string): string[] {
  const args = [...QUIET, '-progress', 'pipe:1', '-thread_queue_size', '8', '-f', 'matroska', '-i', 'pipe:0']
  const filters: string[] = []
  let video = '0:v'
  /** Appends `filter` to the picture's chain; `extra` is a second labelled input (an overlay). */
  const step = (filter: string, extra = '') => {
    const label = `v${filters.length}`
    filters.push(`[${video}]${extra}${filter}[${label}]`)
    video = label
  }
  const moving = !!(plan.deskshare || plan.webcam)
  if (moving) step(`fps=${plan.clockFps ?? 15}`)
  if (plan.areaWidth < plan.width) step(`pad=${plan.width}:${plan.height}:0:0:black`)
  let input = 0
  if (plan.deskshare) {
    args.push(...inputArgs(plan.deskshare.file, plan))
    filters.push(`[${++input}:v]scale=${plan.areaWidth}:${plan.height}:force_original_aspect_ratio=decrease,pad=${plan.areaWidth}:${plan.height}:(ow-iw)/2:(oh-ih)/2:black,setsar=1[desk]`)
    step(`overlay=0:0:eof_action=pass:enable='${betweenExpression(plan.deskshare.intervals)}'`, '[desk]')
  }
  if (plan.webcam) {
    args.push(...inputArgs(plan.webcam.file, plan))
    const side = plan.webcam.layout === 'side'
    filters.push(`[${++input}:v]scale=${side ? plan.width - plan.areaWidth : Math.round(plan.width / 5 / 2) * 2}:-2,setsar=1[cam]`)
    step(`overlay=${side ? `x=${plan.areaWidth}:y=0` : 'x=main_w-overlay_w-16:y=main_h-overlay_h-16'}:eof_action=pass`, '[cam]')
  }
  step('format=yuv420p')
  args.push('-filter_complex', filters.join(';'), '-map', `[${video}]`, '-an', '-sn')
  args.push('-c:v', 'libx264', '-preset', plan.preset, '-crf', String(plan.crf), '-tune', moving ? 'film' : 'stillimage')
  // No B-frames: with sparse frames their reordering pushes the track's end before the last picture.
  args.push('-bf', '0')
  // Millisecond encoder ticks: left to itself ffmpeg guesses a rate from the first frames (say
  // 1 fps when they fall on whole seconds) and rounds every later frame onto it.
  args.push('-enc_time_base', '1:1000', '-fps_mode', 'passthrough', '-t', seconds(plan.duration), '-f', 'mp4', videoOut)
  return args
}

/** The master audio (from the webcams or audio file) to AAC, trimmed like the picture. */
export function buildAudioCommand(plan: RenderPlan, audioOut: string): string[] {
  return [...QUIET, ...inputArgs(plan.audio, plan), '-map', '0:a:0', '-vn', '-sn', '-c:a', 'aac', '-b:a', '96k', '-f', 'mp4', audioOut]
}

/** Picture + sound + captions into the output, stream copies only, index at the front. */
export function buildMuxCommand(plan: RenderPlan, videoIn: string, audioIn: string): string[] {
  const args = [...QUIET, '-i', videoIn, '-i', audioIn]
  for (const c of plan.captions) args.push(...inputArgs(c.file, plan))
  args.push('-map', '0:v:0', '-map', '1:a:0')
  plan.captions.forEach((_, i) => args.push('-map', `${i + 2}:s:0`))
  args.push('-c:v', 'copy', '-c:a', 'copy')
  plan.captions.forEach((c, i) => args.push(`-c:s:${i}`, 'mov_text', `-metadata:s:s:${i}`, `language=${captionLanguage(c.language)}`, `-metadata:s:s:${i}`, `title=${c.title}`))
  args.push('-movflags', '+faststart', '-f', 'mp4', plan.output)
  return args
}

/** Arguments for ffprobe, once per input: streams, durations, frame rates. */
export function buildProbeCommand(file: string): string[] {
  return ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]
}

/**
 * Keyframes of a webcam track, shrunk to 16×16 grey: enough to tell a picture from BBB's
 * uniform "no webcam" filler without decoding the whole file.
 */
export function buildPictureSampleCommand(file: string, durationS: number): string[] {
  const every = Math.max(1, Math.floor(durationS / 20))
  // select, not fps: fps would wait for frames between keyframes that are never decoded.
  const spaced = `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${every})'`
  return [...QUIET, '-skip_frame', 'nokey', '-i', file, '-an', '-sn', '-vf', `${spaced},scale=16:16,format=gray`, '-fps_mode', 'passthrough', '-frames:v', '24', '-f', 'rawvideo', 'pipe:1']
}
