// The `render` benchmark: the converter's renderer alone (no ffmpeg) on every frame of the convert
// bench's BBB 2.7 whiteboard hour, cursor included, the cameras' column where the camera shows.
// Prints wall and CPU seconds, median of the runs: what the renderer costs, apart from encoding.
import { directorySource, safeAssetPath } from '../src/convert/asset-source.ts'
import { FrameRenderer } from '../src/convert/frame-renderer.ts'
import { loadPresentation } from '../src/convert/presentation-loader.ts'
import { buildTimeline } from '../src/convert/timeline.ts'
import { silentLogger } from '../src/log.ts'
import { ensure, tldrawSpec, voice } from './convert.ts'
import { median } from './stats.ts'

export async function benchRender(runs: number): Promise<void> {
  const spec = tldrawSpec()
  const source = directorySource(await ensure({ ...spec, voice: voice() }))
  const p = await loadPresentation(source, silentLogger)
  const columnOn = (spec.webcam?.on ?? []).map(([start, stop]) => ({ start, stop }))
  const frames = buildTimeline(p, { from: 0, to: p.durationS, cursor: true, annotations: true, minFrameGap: 0.1, columnOn })
  const results = []
  for (let i = 0; i < runs; i++) {
    const renderer = new FrameRenderer(p, { width: 1280, height: 720, columnWidth: 320 }, (href) => source.read(safeAssetPath(href), 64 << 20), silentLogger)
    const target = Buffer.alloc(renderer.frameBytes)
    const started = performance.now(), cpu = process.cpuUsage()
    for (const frame of frames) renderer.drawCursor(target, await renderer.base(frame), frame)
    const used = process.cpuUsage(cpu)
    results.push({ wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 })
  }
  console.log(JSON.stringify({
    case: 'render 60 min: BBB 2.7 whiteboard, renderer alone', runs, frames: frames.length,
    wallSeconds: Number(median(results.map((r) => r.wall)).toFixed(1)), cpuSeconds: Number(median(results.map((r) => r.cpu)).toFixed(1)),
  }))
}
