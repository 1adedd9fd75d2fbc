import path from 'node:path'
import type { AssetSource } from './asset-source.ts'
import { buildPictureSampleCommand, buildProbeCommand } from './ffmpeg-command.ts'
import { probe, runFfmpeg } from './ffmpeg-runner.ts'

export interface MediaFile {
  file: string
  hasVideo: boolean
  hasAudio: boolean
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
    return {
      file, hasVideo: !!video, hasAudio: probed.streams.some((s) => s.codec_type === 'audio'),
      fps: frameRate(video?.avg_frame_rate) ?? frameRate(video?.r_frame_rate),
    }
  }
  return null
}

/**
 * BBB writes a uniform (white or black) webcam track when nobody had a camera; such a track is
 * not worth a corner of the picture. A frame "shows a picture" when its pixels vary.
 */
export async function showsPicture(media: MediaFile, durationS: number, signal?: AbortSignal): Promise<boolean> {
  if (!media.hasVideo) return false
  const raw = await runFfmpeg(buildPictureSampleCommand(media.file, durationS), { collect: true, signal })
  for (let offset = 0; offset + 256 <= raw.length; offset += 256) {
    const frame = raw.subarray(offset, offset + 256)
    let sum = 0, squares = 0
    for (const v of frame) (sum += v), (squares += v * v)
    const mean = sum / 256
    if (squares / 256 - mean * mean > 25) return true
  }
  return false
}
