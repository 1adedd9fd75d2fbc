import path from 'node:path'
import type { AssetSource } from './asset-source.ts'
import { buildCameraSampleCommand, buildKeyframeTimesCommand, buildProbeCommand } from './ffmpeg-command.ts'
import { probe, runFfmpeg } from './ffmpeg-runner.ts'

export interface MediaFile {
  file: string
  hasVideo: boolean
  hasAudio: boolean
  /** Channels of the first audio stream: BBB 2.6–2.7 publish the meeting's sound in mono. */
  audioChannels?: number
  fps?: number
}

function frameRate(value: string | undefined): number | undefined {
  const [n, d] = (value ?? '').split('/').map(Number)
  const fps = d ? n! / d : n
  return fps && Number.isFinite(fps) && fps > 0 ? fps : undefined
}

/** Fetches the first of `candidates` that exists and probes it once. */
export async function fetchMedia(source: AssetSource, candidates: string[], dir: string, maxBytes: number, signal?: AbortSignal): Promise<MediaFile | null> {
  for (const rel of candidates) {
    const file = await source.fetchToFile(rel, path.join(dir, rel.replace(/\//g, '_')), maxBytes)
    if (!file) continue
    const probed = await probe(buildProbeCommand(file), signal)
    const video = probed.streams.find((s) => s.codec_type === 'video')
    const audio = probed.streams.find((s) => s.codec_type === 'audio')
    return {
      file, hasVideo: !!video, hasAudio: !!audio, audioChannels: audio?.channels,
      fps: frameRate(video?.avg_frame_rate) ?? frameRate(video?.r_frame_rate),
    }
  }
  return null
}

export interface Interval {
  start: number
  stop: number
}

/** A 16×16 grey frame that varies: a camera's picture, not BBB's uniform filler. */
const varies = (frame: Buffer) => {
  let sum = 0, squares = 0
  for (const v of frame) {
    sum += v
    squares += v * v
  }
  const mean = sum / frame.length
  return squares / frame.length - mean * mean > 25
}

/**
 * The keyframes' times from ffprobe's packet list, in order of time: a decoder that skips all
 * other frames returns the keyframes in this order (packets come in decoding order, and B-frames
 * never move one keyframe past another, but sorting costs nothing). Packets flagged D (before an
 * MP4 edit list's start) are decoded but never shown, so they are left out as the decoder does.
 */
export function keyframeTimes(packets: string): number[] {
  return packets.split('\n').flatMap((line) => {
    const [time, flags = ''] = line.split(',')
    const t = Number.parseFloat(time ?? '')
    return flags.includes('K') && !flags.includes('D') && Number.isFinite(t) ? [t] : []
  }).sort((a, b) => a - b)
}

const PICTURE = 16 * 16

/**
 * The cameras' pictures, shrunk, with their times: every keyframe where there is one at least
 * every 5 s, else one picture every 2 s. A keyframe sample is kept only if it decoded exactly the
 * keyframes listed, or its pictures would be paired with the wrong times.
 */
async function samples(media: MediaFile, durationS: number, signal?: AbortSignal): Promise<{ times: number[]; raw: Buffer }> {
  const sample = (every: 'keyframes' | number) => runFfmpeg(buildCameraSampleCommand(media.file, every), { collect: true, signal })
  const keyframes = keyframeTimes((await runFfmpeg(buildKeyframeTimesCommand(media.file), { binary: 'ffprobe', collect: true, signal })).toString('utf8'))
  if (keyframes.length >= durationS / 5) {
    const raw = await sample('keyframes')
    if (raw.length === keyframes.length * PICTURE) return { times: keyframes, raw }
  }
  const raw = await sample(2)
  return { times: Array.from({ length: Math.floor(raw.length / PICTURE) }, (_, i) => i * 2), raw }
}

/**
 * When the cameras showed a picture. BBB publishes video/webcams whenever a camera was on at all
 * and fills the stretches without one with a uniform picture (edl/video.rb): each sampled
 * picture says which it is until the next.
 */
export async function cameraIntervals(media: MediaFile, durationS: number, signal?: AbortSignal): Promise<Interval[]> {
  if (!media.hasVideo) return []
  const { times, raw } = await samples(media, durationS, signal)
  const on: Interval[] = []
  times.forEach((t, i) => {
    if (!varies(raw.subarray(i * PICTURE, (i + 1) * PICTURE))) return
    const stop = Math.min(durationS, times[i + 1] ?? durationS)
    const last = on.at(-1)
    if (last && last.stop >= t) last.stop = stop
    else if (stop > t) on.push({ start: Math.max(0, t), stop })
  })
  return on
}
