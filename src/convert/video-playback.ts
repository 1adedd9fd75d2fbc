import { buildProbeCommand } from './ffmpeg-command.ts'
import { probe } from './ffmpeg-runner.ts'
import type { AssetSource } from './asset-source.ts'
import { ConvertError } from './errors.ts'

/** The file the video format's index.html plays (`video-0.m4v` with the default preset). */
function videoFileName(indexHtml: string | null): string[] {
  const names = [...(indexHtml ?? '').matchAll(/<source[^>]*\ssrc\s*=\s*["']([^"'?#]+)["']/gi)].map((m) => m[1]!.replace(/^\.\//, ''))
  return [...new Set([...names.filter((n) => /^[A-Za-z0-9_.-]+\.(?:m4v|mp4|webm)$/.test(n)), 'video-0.m4v', 'video-0.mp4', 'video-0.webm'])]
}

/** A `video` playback is already a video: download it as it is, no re-encoding. */
export async function downloadVideoPlayback(source: AssetSource, dest: string, maxBytes: number): Promise<number> {
  const index = await source.read('index.html', 1024 * 1024)
  for (const name of videoFileName(index?.toString('utf8') ?? null)) {
    if (!(await source.fetchToFile(name, dest, maxBytes))) continue
    const probed = await probe(buildProbeCommand(dest))
    if (!probed.streams.some((s) => s.codec_type === 'video')) throw new ConvertError(`${name} holds no video stream`)
    return Number(probed.format.duration ?? 0)
  }
  throw new ConvertError(`no video file in ${source.label} (looked for video-0.m4v, .mp4, .webm)`)
}
