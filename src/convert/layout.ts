import type { RenderPlan, WebcamLayout } from './ffmpeg-command.ts'
import { cameraIntervals, type Interval, type MediaFile } from './media.ts'
import type { Presentation } from './presentation.ts'
import type { WarningLog } from '../log.ts'

/** `--webcam`: as the player lays it out (`auto`), or one layout whatever the recording. */
export type WebcamChoice = Exclude<WebcamLayout, 'fill'> | 'auto'
export const webcamChoices: WebcamChoice[] = ['auto', 'side', 'pip', 'none']

/** Slides other than BBB's logo and screenshare placeholders, or a screenshare: something to show besides the cameras. */
function hasContent(p: Pick<Presentation, 'slides' | 'deskshare'>): boolean {
  return p.deskshare.length > 0 || p.slides.some((s) => !/(^|\/)(logo|deskshare)\.png$/.test(s.href))
}

/** Intervals of the recording moved onto the output's timeline (`--from`/`--to`). */
export const onOutput = (intervals: Interval[], from: number, duration: number): Interval[] =>
  intervals.map((i) => ({ start: Math.max(0, i.start - from), stop: Math.min(duration, i.stop - from) })).filter((i) => i.stop > i.start)

/**
 * Where the cameras go. Like bbb-playback: beside the content while a camera shows a picture
 * (the content alone, full width, the rest of the time), filling the frame when the meeting had
 * nothing else to show. BBB's uniform filler never covers anything: cameras appear only during
 * the stretches they showed a picture.
 */
export async function webcamPlan(
  p: Presentation, cams: MediaFile | null, choice: WebcamChoice, range: { from: number; duration: number }, log: WarningLog, signal?: AbortSignal,
): Promise<RenderPlan['webcam']> {
  if (choice === 'none') return undefined
  if (!cams?.hasVideo) {
    if (choice !== 'auto') log.warn('no webcam video in this recording: --webcam ignored')
    return undefined
  }
  const on = onOutput(await cameraIntervals(cams, p.durationS, signal), range.from, range.duration)
  if (!on.length) return undefined
  const layout = choice === 'auto' ? (hasContent(p) ? 'side' : 'fill') : choice
  return { file: cams.file, layout, on }
}
