import os from 'node:os'
import t from 'tap'
import { ConvertError } from '../../src/convert/errors.ts'
import { runFfmpeg } from '../../src/convert/ffmpeg-runner.ts'

const write = (stdin: NodeJS.WritableStream, chunk: Buffer) => new Promise<void>((resolve, reject) => stdin.write(chunk, (e) => (e ? reject(e) : resolve())))

t.test('when ffmpeg fails while being fed, its own message is the error, not the broken pipe', async (t) => {
  const feed = async (stdin: NodeJS.WritableStream) => {
    for (let i = 0; i < 200; i++) await write(stdin, Buffer.alloc(1 << 20))
  }
  await t.rejects(runFfmpeg(['-hide_banner', '-f', 'matroska', '-i', 'pipe:0', '-f', 'mp4', '/nonexistent-dir/out.mp4'], { feed }), /ffmpeg failed \(exit \d+\): .*(Invalid data|EBML|nonexistent)/)
})

t.test('a failure of the feeder itself is reported as it is, and ffmpeg is stopped', async (t) => {
  const started = Date.now()
  await t.rejects(runFfmpeg(['-hide_banner', '-f', 'rawvideo', '-s', '16x16', '-i', 'pipe:0', '-f', 'null', '-'], {
    feed: async () => { throw new ConvertError('slide image too large') },
  }), /slide image too large/)
  t.ok(Date.now() - started < 10_000, 'did not wait for ffmpeg to end on its own')
})

t.test('progress, collected output, abort', async (t) => {
  const seen: number[] = []
  await runFfmpeg(['-hide_banner', '-nostats', '-progress', 'pipe:1', '-f', 'lavfi', '-i', 'sine=duration=2', '-f', 'null', '-'], { duration: 2, onProgress: (p) => seen.push(p) })
  t.ok(seen.length > 0 && seen.at(-1)! >= 99, `progress reported up to ${seen.at(-1)}`)
  const raw = await runFfmpeg(['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=white:s=4x4', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { collect: true })
  t.same([...raw], new Array(16).fill(255))
  const controller = new AbortController()
  const run = runFfmpeg(['-hide_banner', '-re', '-f', 'lavfi', '-i', 'sine=duration=60', '-f', 'null', '-'], { signal: controller.signal })
  setTimeout(() => controller.abort(), 300)
  await t.rejects(run, /cancelled/)
})

t.test('a low-priority run gets the lowest CPU priority, a normal run keeps its parent\'s', async (t) => {
  // The shell waits before asking, so that it asks after the priority was set.
  const niceness = async (lowPriority: boolean) => Number((await runFfmpeg(['-c', 'sleep 0.3; nice'], { binary: 'sh', collect: true, lowPriority })).toString().trim())
  t.equal(await niceness(true), 19)
  t.equal(await niceness(false), os.getPriority())
})
