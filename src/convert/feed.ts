import type { Writable } from 'node:stream'
import type { FrameRenderer } from './frame-renderer.ts'
import type { Interval } from './media.ts'
import { mkvFrameHeader, mkvHeader } from './raw-mkv.ts'
import type { FrameState } from './timeline.ts'

export interface Emission {
  t: number
  frame: FrameState
}

/**
 * When pictures go to ffmpeg: each at the time it starts, and, while a moving picture shows (a
 * screenshare, a camera), again every 1/fps, so that the encoder makes a steady rate only there and
 * a still slide costs one frame however long it stays.
 */
export function frameSchedule(frames: FrameState[], endS: number, moving: Interval[], fps: number): Emission[] {
  // And one just after each stretch ends, so that the moving picture leaves the screen on time.
  const ticks = moving.flatMap((m) => [...Array.from({ length: Math.max(0, Math.ceil((Math.min(m.stop, endS) - m.start) * fps)) }, (_, k) => m.start + k / fps), ...(m.stop < endS ? [m.stop + 0.001] : [])])
  const times = [...new Set([...frames.map((f) => f.t), ...ticks.map((t) => Math.round(t * 1000) / 1000)])].sort((a, b) => a - b)
  const last = frames.at(-1)
  if (last && endS - 0.1 > (times.at(-1) ?? 0)) times.push(Math.round((endS - 0.1) * 1000) / 1000)
  const out: Emission[] = []
  let i = 0
  for (const t of times) {
    while (i + 1 < frames.length && frames[i + 1]!.t <= t) i++
    if (frames[i] && frames[i]!.t <= t + 1e-9) out.push({ t, frame: frames[i]! })
  }
  return out
}

function write(stdin: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => stdin.write(chunk, (error) => (error ? reject(error) : resolve())))
}

/**
 * Streams the frames to ffmpeg. Cursor frames are drawn into a small pool of buffers, each reused
 * only once ffmpeg has taken it; other frames are cached pictures sent as they are. Either way a
 * slow encoder holds the renderer back, which bounds memory.
 */
export async function feedFrames(stdin: Writable, renderer: FrameRenderer, schedule: Emission[], width: number, height: number): Promise<void> {
  await write(stdin, mkvHeader(width, height))
  const pool = [0, 1, 2].map(() => ({ buffer: Buffer.allocUnsafe(renderer.frameBytes), done: Promise.resolve() }))
  let next = 0
  for (const { t, frame } of schedule) {
    const base = await renderer.base(frame)
    if (frame.cursor) {
      const slot = pool[next++ % pool.length]!
      await slot.done
      const picture = renderer.drawCursor(slot.buffer, base, frame)
      stdin.write(mkvFrameHeader(t * 1000, picture.length))
      slot.done = write(stdin, picture)
      continue
    }
    stdin.write(mkvFrameHeader(t * 1000, base.length))
    await write(stdin, base)
  }
  await Promise.all(pool.map((s) => s.done))
}
