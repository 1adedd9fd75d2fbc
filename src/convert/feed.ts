import type { Writable } from 'node:stream'
import type { FrameRenderer } from './frame-renderer.ts'
import { mkvFrameHeader, mkvHeader } from './raw-mkv.ts'
import type { FrameState } from './timeline.ts'

export interface Emission {
  t: number
  frame: FrameState
}

/** When pictures go to ffmpeg: each at the time it starts, the last again just before the end. */
export function frameSchedule(frames: FrameState[], endS: number): Emission[] {
  const out = frames.map((frame) => ({ t: frame.t, frame }))
  const last = frames.at(-1)
  if (last && endS - 0.1 > last.t) out.push({ t: endS - 0.1, frame: last })
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
      // Awaited when the slot comes round again; should ffmpeg go away first, the loop stops on
      // another write and this one's EPIPE must not surface as an unhandled rejection.
      slot.done.catch(() => {})
      continue
    }
    stdin.write(mkvFrameHeader(t * 1000, base.length))
    await write(stdin, base)
  }
  await Promise.all(pool.map((s) => s.done))
}
