import { setTimeout as sleep } from 'node:timers/promises'
import { PermanentImportError } from '../errors.ts'
import { slugOf, type PodClient, type PodUserVideo } from '../pod/pod-client.ts'

/** The teacher's link to a Pod video (`full_url` is protocol-relative). */
export const podVideoLink = (pod: PodClient, video: PodUserVideo) => `${new URL(pod.base).protocol}${video.video_data.full_url}`

const isFailedStep = (step: string) => /^\s*-1\s*:/.test(step)

export interface EncodingFollow {
  /** When Pod was asked to encode (by us, or by making the recording); null: not yet. */
  askedAt: Date | null
  /** Stores that Pod is asked now, before asking (never asked twice). */
  ask(): Promise<Date>
  /** The video as `user_videos` shows it now; undefined once it is gone from Pod. */
  refresh(): Promise<PodUserVideo | undefined>
  timeoutSeconds: number
  pollMs: number
  signal: AbortSignal
}

/**
 * Follows a video's encoding through `user_videos` (never `/rest/videos/<id>/`, whose thumbnail
 * link fails on Pods without USE_PODFILE) until Pod has encoded it. A step starting with -1 is
 * Pod's failure, final. A video neither encoding nor encoded after Pod was asked sits in Pod's
 * queue: it is waited for until the timeout, never launched again.
 */
export async function followEncoding(pod: PodClient, first: PodUserVideo, follow: EncodingFollow): Promise<string> {
  let video = first
  let askedAt = follow.askedAt
  for (;;) {
    const { encoded, encoding_in_progress: running, get_encoding_step: step } = video.video_data
    if (isFailedStep(step)) throw new PermanentImportError(`Pod could not encode the video (${step.trim()})`)
    if (encoded && !running) return podVideoLink(pod, video)
    if (!askedAt) {
      askedAt = await follow.ask()
      if (!running) await pod.launchEncoding(slugOf(video.video_data.full_url), follow.signal)
    }
    if (Date.now() - askedAt.getTime() > follow.timeoutSeconds * 1000) {
      throw new Error(running ? 'Pod is still encoding the video (POD_ENCODE_TIMEOUT reached)' : 'Pod has not started encoding the video (its encoding queue is late; POD_ENCODE_TIMEOUT reached)')
    }
    await sleep(follow.pollMs, undefined, { signal: follow.signal })
    const now = await follow.refresh()
    if (!now) throw new PermanentImportError(`the video ${video.id} is no longer in Pod (deleted while encoding?)`)
    video = now
  }
}
