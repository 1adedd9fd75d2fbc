import * as fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t, { type Test } from 'tap'
import { cameraIntervals, keyframeTimes, type MediaFile } from '../../src/convert/media.ts'
import { ffmpeg, ffmpegBefore } from '../helpers/media.ts'

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bbb-media-'))
t.teardown(() => fs.rmSync(work, { recursive: true, force: true }))

/**
 * 20 s of camera as BBB publishes it (edl/video.rb): white filler, a picture from 5 to 8 s.
 * `codec` says how it is encoded: VP8 as BBB 2.x writes webcams.webm, or H.264 with B-frames,
 * as an MP4 from elsewhere may be.
 */
async function camera(name: string, codec: string[]): Promise<MediaFile> {
  const file = path.join(work, name)
  const picture = "color=c=white:s=320x240:r=15:d=20[w];testsrc2=s=320x240:r=15:d=20[c];[w][c]overlay=enable='between(t,5,8)',format=yuv420p"
  await ffmpeg(['-filter_complex', picture, ...codec, file])
  return { file, hasVideo: true, hasAudio: false, fps: 15 }
}

const vp8 = (keyint: number) => ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-g', String(keyint), '-b:v', '300k']
const roughly = (t: Test, on: Array<{ start: number; stop: number }>, start: number, stop: number, slack: number, what: string) => {
  t.equal(on.length, 1, `${what}: one stretch (${JSON.stringify(on)})`)
  t.ok(Math.abs(on[0]!.start - start) <= slack && Math.abs(on[0]!.stop - stop) <= slack, `${what}: ${on[0]?.start}–${on[0]?.stop} s, about ${start}–${stop} s`)
}

t.test("keyframes are the packets flagged K and shown, in order of time, whatever ffprobe's order", async (t) => {
  const listed = '-0.066000,KD\n0.000000,K_\n0.133000,__\n0.066000,__\n2.000000,K_\nN/A,K_\n1.000000,K__\n\n'
  t.same(keyframeTimes(listed), [0, 1, 2])
  t.same(keyframeTimes(''), [])
})

t.test('a camera with a keyframe every second: on while it shows a picture, to the keyframe', async (t) => {
  roughly(t, await cameraIntervals(await camera('vp8.webm', vp8(15)), 20), 5, 8, 1, 'VP8')
  roughly(t, await cameraIntervals(await camera('h264.mp4', ['-c:v', 'libx264', '-preset', 'veryfast', '-g', '15', '-bf', '3']), 20), 5, 8, 1, 'H.264 with B-frames')
})

t.test('a camera with one keyframe: a picture every 2 s says when it shows', async (t) => {
  roughly(t, await cameraIntervals(await camera('sparse.webm', vp8(1000)), 20), 5, 8, 1, 'keyframe at 0 s only')
})

t.test('a keyframe sample that does not match the listed keyframes is not paired with them', async (t) => {
  const cam = await camera('cut.webm', vp8(15))
  // The keyframe decoder stops after three pictures (a damaged file, say): with those paired to
  // the first three keyframes, the stretch from 5 to 8 s would be lost.
  ffmpegBefore(t, () => `case "$*" in *skip_frame*) /usr/bin/env PATH="${process.env.PATH}" ffmpeg "$@" | head -c 768; exit 0;; esac`)
  roughly(t, await cameraIntervals(cam, 20), 5, 8, 1, 'sampled every 2 s instead')
})
