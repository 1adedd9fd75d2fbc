/**
 * Pure builders of ffmpeg argument arrays: no I/O here, so every layout can be unit-tested on
 * the arguments it produces.
 */

export type WebcamLayout = 'none' | 'pip' | 'side'

export interface MediaInput {
  file: string
  /** Seconds to skip at the start (for --from). */
  seek?: number
}

export interface RenderPlan {
  width: number
  height: number
  /** Width of the slides area: the whole width, or what the webcam column leaves. */
  areaWidth: number
  /** Seconds of output. */
  duration: number
  from: number
  audio: MediaInput
  deskshare?: MediaInput & { intervals: Array<{ start: number; stop: number }> }
  webcam?: MediaInput & { layout: Exclude<WebcamLayout, 'none'> }
  /** Output frame rate when a moving picture (webcam, screenshare) is shown; slides alone stay variable. */
  clockFps?: number
  captions: Array<MediaInput & { language: string; title: string }>
  output: string
  preset: string
  crf: number
  threads?: number
}

const seconds = (s: number) => s.toFixed(3)

/** The ISO 639-2 code MP4 wants; BBB captions use two-letter locales. */
const ISO639_2: Record<string, string> = {
  fr: 'fra', en: 'eng', de: 'deu', es: 'spa', it: 'ita', pt: 'por', nl: 'nld', ar: 'ara', zh: 'zho', ja: 'jpn', ru: 'rus', pl: 'pol', ca: 'cat', eu: 'eus', br: 'bre', oc: 'oci',
}
export const captionLanguage = (locale: string) => ISO639_2[locale.slice(0, 2).toLowerCase()] ?? (/^[a-z]{3}$/i.test(locale) ? locale.toLowerCase() : 'und')

function inputArgs(input: MediaInput, to: number): string[] {
  const args = input.seek ? ['-ss', seconds(input.seek)] : []
  return [...args, '-t', seconds(to), '-i', input.file]
}

/** The `enable` expression of an overlay shown only during the given intervals (output time). */
export function betweenExpression(intervals: Array<{ start: number; stop: number }>): string {
  return intervals.map((i) => `between(t,${seconds(i.start)},${seconds(i.stop)})`).join('+') || '0'
}

/**
 * The picture: frames from the renderer on stdin (raw Matroska, I420), screenshare and webcam
 * overlaid, H.264 yuv420p. Audio is encoded by its own process at the same time (AAC alone takes
 * a core for half a minute per hour) and both meet in the final mux.
 */
export function buildVideoCommand(plan: RenderPlan, videoOut: string): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1', '-y']
  args.push('-thread_queue_size', '8', '-f', 'matroska', '-i', 'pipe:0')
  const inputs: MediaInput[] = []
  const indexOf = (input: MediaInput) => {
    const existing = inputs.findIndex((i) => i.file === input.file)
    if (existing >= 0) return existing + 1
    inputs.push(input)
    return inputs.length
  }
  const deskIndex = plan.deskshare && indexOf(plan.deskshare)
  const camIndex = plan.webcam && indexOf(plan.webcam)
  for (const input of inputs) args.push(...inputArgs(input, plan.duration))

  const filters: string[] = []
  let video = '0:v'
  const step = (filter: string) => {
    const label = `v${filters.length}`
    filters.push(`[${video}]${filter}[${label}]`)
    video = label
  }
  const moving = plan.deskshare || plan.webcam
  if (moving) step(`fps=${plan.clockFps ?? 15}`)
  if (plan.areaWidth < plan.width) step(`pad=${plan.width}:${plan.height}:0:0:black`)
  if (plan.deskshare && deskIndex) {
    filters.push(`[${deskIndex}:v]scale=${plan.areaWidth}:${plan.height}:force_original_aspect_ratio=decrease,pad=${plan.areaWidth}:${plan.height}:(ow-iw)/2:(oh-ih)/2:black,setsar=1[desk]`)
    const label = `v${filters.length}`
    filters.push(`[${video}][desk]overlay=0:0:eof_action=pass:enable='${betweenExpression(plan.deskshare.intervals)}'[${label}]`)
    video = label
  }
  if (plan.webcam && camIndex) {
    const side = plan.webcam.layout === 'side'
    const camWidth = side ? plan.width - plan.areaWidth : Math.round(plan.width / 5 / 2) * 2
    filters.push(`[${camIndex}:v]scale=${camWidth}:-2,setsar=1[cam]`)
    const at = side ? `x=${plan.areaWidth}:y=0` : 'x=main_w-overlay_w-16:y=main_h-overlay_h-16'
    const label = `v${filters.length}`
    filters.push(`[${video}][cam]overlay=${at}:eof_action=pass[${label}]`)
    video = label
  }
  step('format=yuv420p')
  args.push('-filter_complex', filters.join(';'), '-map', `[${video}]`, '-an', '-sn')
  args.push('-c:v', 'libx264', '-preset', plan.preset, '-crf', String(plan.crf), '-tune', moving ? 'film' : 'stillimage', '-pix_fmt', 'yuv420p')
  // No B-frames: with sparse frames their reordering pushes the track's end before the last picture.
  args.push('-bf', '0')
  if (plan.threads) args.push('-threads', String(plan.threads))
  // Millisecond encoder ticks: left to itself ffmpeg guesses a rate from the first frames (say
  // 1 fps when they fall on whole seconds) and rounds every later frame onto it.
  args.push('-enc_time_base', '1:1000', '-fps_mode', 'passthrough', '-t', seconds(plan.duration), '-f', 'mp4', videoOut)
  return args
}

/** The master audio (from the webcams or audio file) to AAC, trimmed like the picture. */
export function buildAudioCommand(plan: RenderPlan, audioOut: string): string[] {
  return ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y', ...inputArgs(plan.audio, plan.duration), '-map', '0:a:0', '-vn', '-sn', '-c:a', 'aac', '-b:a', '96k', '-f', 'mp4', audioOut]
}

/** Picture + sound + captions into the output, stream copies only, index at the front. */
export function buildMuxCommand(plan: RenderPlan, videoIn: string, audioIn: string): string[] {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-y', '-i', videoIn, '-i', audioIn]
  for (const c of plan.captions) args.push(...inputArgs(c, plan.duration))
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
  return ['-hide_banner', '-nostdin', '-loglevel', 'error', '-skip_frame', 'nokey', '-i', file, '-an', '-sn', '-vf', `${spaced},scale=16:16,format=gray`, '-fps_mode', 'passthrough', '-frames:v', '24', '-f', 'rawvideo', 'pipe:1']
}
