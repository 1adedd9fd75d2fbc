import { Writable } from 'node:stream'
import t from 'tap'
import { feedFrames, type Emission } from '../../src/convert/feed.ts'
import type { FrameRenderer } from '../../src/convert/frame-renderer.ts'
import type { FrameState } from '../../src/convert/timeline.ts'

/** ffmpeg's stdin when ffmpeg has died (disk full, killed): every write after the first few fails with EPIPE, late. */
function dyingStdin(acceptedWrites: number) {
  let writes = 0
  return new Writable({
    write(_chunk, _encoding, callback) {
      const ok = ++writes <= acceptedWrites
      setTimeout(() => callback(ok ? null : Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })), ok ? 0 : 5)
    },
  })
}

const bytes = 16
const renderer = {
  frameBytes: bytes,
  base: async () => Buffer.alloc(bytes),
  drawCursor: (into: Buffer) => into,
} as unknown as FrameRenderer

t.test('ffmpeg gone while cursor frames are in flight: one rejection, none left unhandled', async (t) => {
  const schedule: Emission[] = Array.from({ length: 40 }, (_, i) => ({ t: i / 10, frame: { t: i / 10, cursor: { x: 0.5, y: 0.5 } } as unknown as FrameState }))
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  t.teardown(() => void process.off('unhandledRejection', onUnhandled))
  const stdin = dyingStdin(6)
  stdin.on('error', () => {})
  await t.rejects(feedFrames(stdin, renderer, schedule, 16, 16), { code: 'EPIPE' })
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.same(unhandled, [], 'the writes still in flight fail quietly')
})
