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
 * When the cameras showed a picture. BBB publishes video/webcams whenever a camera was on at all
 * and fills the stretches without one with a uniform picture (edl/video.rb): each keyframe,
 * shrunk to 16×16, says which it is until the next. When keyframes are sparser than one per
 * 5 s, a frame every 2 s is decoded instead.
 */
export async function cameraIntervals(media: MediaFile, durationS: number, signal?: AbortSignal): Promise<Interval[]> {
  if (!media.hasVideo) return []
  const listed = (await runFfmpeg(buildKeyframeTimesCommand(media.file), { binary: 'ffprobe', collect: true, signal })).toString('utf8')
  const keyframes = listed.split('\n').map((l) => Number.parseFloat(l)).filter(Number.isFinite)
  const dense = keyframes.length >= durationS / 5
  const raw = await runFfmpeg(buildCameraSampleCommand(media.file, dense ? 'keyframes' : 2), { collect: true, signal })
  const count = Math.floor(raw.length / 256)
  const times = dense ? keyframes.slice(0, count) : Array.from({ length: count }, (_, i) => i * 2)
  const on: Interval[] = []
  times.forEach((t, i) => {
    if (!varies(raw.subarray(i * 256, (i + 1) * 256))) return
    const stop = Math.min(durationS, times[i + 1] ?? durationS)
    const last = on.at(-1)
    if (last && last.stop >= t) last.stop = stop
    else if (stop > t) on.push({ start: Math.max(0, t), stop })
  })
  return on
}
