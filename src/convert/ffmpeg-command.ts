/**
 * Pure builders of ffmpeg argument arrays: no I/O here, so every layout can be unit-tested on
 * the arguments it produces.
 */

/** Where the cameras go: an inset, a column beside the content, or the whole frame (no content). */
export type WebcamLayout = 'none' | 'pip' | 'side' | 'fill'

export interface RenderPlan {
  width: number
  height: number
  /** The column on the right for the cameras (and the chat panel): a quarter of the width. */
  columnWidth: number
  /**
   * When the renderer's frames leave the column on the right: `always` (the chat panel), while the
   * cameras show (`side` cameras), or never. The screenshare fits what is left of the content.
   */
  column: 'always' | 'cameras' | 'never'
  /** Where the output starts in the recording (--from), and its length, in seconds. */
  from: number
  duration: number
  /** The file with the master audio (webcams or audio). */
  audio: string
  deskshare?: { file: string; intervals: Array<{ start: number; stop: number }> }
  /** The cameras, shown only while they showed a picture (`on`, output time). */
  webcam?: { file: string; layout: Exclude<WebcamLayout, 'none'>; on: Array<{ start: number; stop: number }> }
  /** Frame rate while a moving picture (webcam, screenshare) shows; slides alone stay variable. */
  clockFps?: number
  captions: Array<{ file: string; language: string; title: string }>
  /** An FFMETADATA file with the chapters (one per slide shown). */
  chapters?: string
  output: string
  preset: string
  /** x264's quality: the CRF of slides alone, the constant quantizer of a moving picture. */
  quality: number
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

/** Whether the intervals leave no moment of the output uncovered. */
function coverAll(intervals: Array<{ start: number; stop: number }>, duration: number): boolean {
  let reach = 0
  for (const i of [...intervals].sort((a, b) => a.start - b.start)) {
    if (i.start > reach) return false
    reach = Math.max(reach, i.stop)
  }
  return reach >= duration
}

/** The `enable` expression of an overlay shown only during the given intervals (output time). */
export function betweenExpression(intervals: Array<{ start: number; stop: number }>): string {
  return intervals.map((i) => `between(t,${seconds(i.start)},${seconds(i.stop)})`).join('+') || '0'
}

/**
 * Which ticks of the clock go on: every tick while a screenshare or a camera shows, and the first
 * one after (it shows them gone); every tick of the last second, so that the picture runs to the
 * end; elsewhere only the first tick of each frame the renderer sent. Between those the clock
 * repeats the renderer's last frame, and a repeat keeps its frame's byte position in the pipe
 * (`pos`): comparing positions costs nothing, where comparing pictures (mpdecimate) takes about a
 * millisecond per 720p repeat (measured on 5.1). An ffmpeg that does not know positions gives NaN, which equals
 * nothing: every tick goes on, slower but never wrong.
 */
function keepExpression(plan: RenderPlan, fps: number): string {
  const moving = [...(plan.deskshare?.intervals ?? []), ...(plan.webcam?.on ?? [])].map((i) => ({ start: i.start, stop: i.stop + 1.5 / fps }))
  moving.push({ start: plan.duration - 1, stop: plan.duration })
  return `if(eq(pos,ld(0)),${betweenExpression(moving)},st(0,pos)+1)`
}

/**
 * The picture: frames from the renderer on stdin (raw Matroska, I420), screenshare and webcam
 * overlaid, H.264 yuv420p. Audio is encoded by its own process at the same time (ffmpeg 5 runs
 * its encoders on one thread, so AAC would wait for the picture) and both meet in the final mux.
 */
export function buildVideoCommand(plan: RenderPlan, videoOut: string): string[] {
  // A queue of 8 frames (1.4 MB each at 720p) on the renderer's pipe: 32 bought nothing the tldraw
  // bench case could tell from its noise, for 30 MB more.
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
  if (moving) {
    const fps = plan.clockFps ?? 15
    step(`fps=${fps}`)
    step(`select='${keepExpression(plan, fps)}'`)
  }
  const { width: W, height: H, columnWidth: C } = plan
  const cams = plan.webcam ? betweenExpression(plan.webcam.on) : '0'
  const fit = (input: string, w: number, label: string) => `${input}scale=${w}:${H}:force_original_aspect_ratio=decrease,pad=${w}:${H}:(ow-iw)/2:(oh-ih)/2:black,setsar=1[${label}]`
  let input = 0
  if (plan.deskshare) {
    args.push(...inputArgs(plan.deskshare.file, plan))
    const desk = betweenExpression(plan.deskshare.intervals)
    if (plan.column === 'cameras' && plan.webcam && !coverAll(plan.webcam.on, plan.duration)) {
      // Full width while the cameras are off, beside them while they show.
      filters.push(`[${++input}:v]split[deskfull][deskside]`, fit('[deskfull]', W, 'desk'), fit('[deskside]', W - C, 'desknarrow'))
      step(`overlay=0:0:eof_action=pass:enable='(${desk})*not(${cams})'`, '[desk]')
      step(`overlay=0:0:eof_action=pass:enable='(${desk})*(${cams})'`, '[desknarrow]')
    } else {
      // Beside the chat, or beside cameras that never leave: one width only.
      const besideColumn = plan.column === 'always' || (plan.column === 'cameras' && plan.webcam !== undefined)
      filters.push(fit(`[${++input}:v]`, besideColumn ? W - C : W, 'desk'))
      step(`overlay=0:0:eof_action=pass:enable='${desk}'`, '[desk]')
    }
  }
  if (plan.webcam) {
    args.push(...inputArgs(plan.webcam.file, plan))
    const on = `enable='${cams}'`
    const cam = `[${input + 1}:v]`
    if (plan.webcam.layout === 'fill') {
      filters.push(fit(cam, W, 'cam'))
      step(`overlay=0:0:eof_action=pass:${on}`, '[cam]')
    } else if (plan.webcam.layout === 'pip') {
      const contentWidth = plan.column === 'always' ? W - C : W
      filters.push(`${cam}scale=${Math.round(contentWidth / 5 / 2) * 2}:-2,setsar=1[cam]`)
      step(`overlay=x=${contentWidth}-overlay_w-16:y=main_h-overlay_h-16:eof_action=pass:${on}`, '[cam]')
    } else {
      // The renderer's frames leave the column while the cameras show.
      filters.push(`${cam}scale=${C}:-2,setsar=1[cam]`)
      step(`overlay=x=${W - C}:y=0:eof_action=pass:${on}`, '[cam]')
    }
  }
  step('format=yuv420p')
  args.push('-filter_complex', filters.join(';'), '-map', `[${video}]`, '-an', '-sn')
  // A moving picture (always `ultrafast`) at a constant quantizer, not CRF: for CRF, x264 first
  // costs every frame at half size. Measured by hand against the renderer's lossless frames (the
  // bench's tldraw hour, 10 min of its screenshare): PSNR 58 and 56 dB on average with CRF 23,
  // 50 dB with QP 23, no difference seen at 2× zoom; worst frames 44 dB with either on the
  // whiteboard, 49 dB with QP and 52.5 with CRF on the screenshare; files 39-46 % smaller, about
  // 10 s less CPU an hour.
  args.push('-c:v', 'libx264', '-preset', plan.preset, moving ? '-qp' : '-crf', String(plan.quality), '-tune', moving ? 'film' : 'stillimage')
  // No B-frames: with sparse frames their reordering pushes the track's end before the last picture.
  args.push('-bf', '0')
  // Millisecond encoder ticks: left to itself ffmpeg guesses a rate from the first frames (say
  // 1 fps when they fall on whole seconds) and rounds every later frame onto it.
  args.push('-enc_time_base', '1:1000', '-fps_mode', 'passthrough', '-t', seconds(plan.duration), '-f', 'mp4', videoOut)
  return args
}

/**
 * The master audio (from the webcams or audio file) to AAC, trimmed like the picture. The `fast`
 * coder: on speech at this rate it took about 55 % of the default (twoloop)'s time (600 s of
 * speech, FFmpeg 5.1), and FFmpeg's AAC maintainer found it sounds better than twoloop at high
 * bitrates (commit fcb681a, 2018). Mono (BBB 2.6–2.7's meeting sound, edl/audio.rb) at 64 kb/s,
 * near what BBB's own MP4 publishing gives it (`-q:a 0.5`, generators/video.rb: 69 kb/s on the
 * same speech), timed by hand at 31 % less encoding time than 96 kb/s; stereo keeps 96 kb/s.
 */
export function buildAudioCommand(sound: Pick<RenderPlan, 'audio' | 'from' | 'duration'> & { channels?: number }, audioOut: string): string[] {
  const bitrate = sound.channels === 1 ? '64k' : '96k'
  return [...QUIET, ...inputArgs(sound.audio, sound), '-map', '0:a:0', '-vn', '-sn', '-c:a', 'aac', '-aac_coder', 'fast', '-b:a', bitrate, '-f', 'mp4', audioOut]
}

/** Picture + sound + captions into the output, stream copies only, index at the front. */
export function buildMuxCommand(plan: RenderPlan, videoIn: string, audioIn: string): string[] {
  const args = [...QUIET, '-i', videoIn, '-i', audioIn]
  for (const c of plan.captions) args.push(...inputArgs(c.file, plan))
  if (plan.chapters) args.push('-f', 'ffmetadata', '-i', plan.chapters, '-map_chapters', String(plan.captions.length + 2))
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
 * ffprobe: every packet of the first video stream as `time,flags`, one per line; keyframes carry
 * `K`. Reading packets decodes nothing: 0.3 s for an hour of camera, where listing decoded
 * keyframes took 1.3 s (hand-timed, FFmpeg 5.1).
 */
export function buildKeyframeTimesCommand(file: string): string[] {
  return ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file]
}

/**
 * A webcam track shrunk to 16×16 grey, one frame per keyframe (decoding nothing else) or one
 * every `seconds`: enough to tell a camera's picture from BBB's uniform filler.
 */
export function buildCameraSampleCommand(file: string, every: 'keyframes' | number): string[] {
  // One decoding thread for keyframes alone: threads wait on one another (hand-timed on the convert
  // bench's camera, ffmpeg 5.1: 3.2 s → 1.6 s).
  const sample = every === 'keyframes' ? ['-threads', '1', '-skip_frame', 'nokey', '-i', file, '-vf', 'scale=16:16,format=gray'] : ['-i', file, '-vf', `fps=1/${every}:round=down,scale=16:16,format=gray`]
  return [...QUIET, ...sample, '-an', '-sn', '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1']
}
