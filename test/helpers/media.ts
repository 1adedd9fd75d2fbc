import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
type Rgb = [number, number, number]

/** Runs ffmpeg quietly, overwriting its output. */
export const ffmpeg = async (args: string[]) => void await run('ffmpeg', ['-v', 'error', '-y', ...args])

/** The picture shown at second `t` (the last frame that started at or before t), as RGB. */
export async function frameAt(file: string, t: number, width = 1280, height = 720): Promise<(x: number, y: number) => Rgb> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-an', '-sn', '-vf', `fps=20,select='gte(t\\,${t})'`, '-frames:v', '1', '-s', `${width}x${height}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 << 20 })
  if (stdout.length !== width * height * 3) throw new Error(`no frame at ${t} s in ${file}`)
  return (x, y) => {
    const o = (y * width + x) * 3
    return [stdout[o]!, stdout[o + 1]!, stdout[o + 2]!]
  }
}

/** True when the two colours are equal within what H.264 and yuv420p leave of them. */
export const near = (a: Rgb, b: Rgb, tolerance = 48) => a.every((v, i) => Math.abs(v - b[i]!) <= tolerance)

/** How many pixels of a box (sampled every 2 px) are near a colour: ink text has no one pixel to point at. */
export function countNear(f: (x: number, y: number) => Rgb, box: { x: [number, number]; y: [number, number] }, rgb: Rgb, tolerance = 80): number {
  let n = 0
  for (let x = box.x[0]; x < box.x[1]; x += 2) for (let y = box.y[0]; y < box.y[1]; y += 2) if (near(f(x, y), rgb, tolerance)) n++
  return n
}

type Probe = { format: { duration: string }; streams: Array<Record<string, string | number | Record<string, string>>> }

export async function probeJson(file: string): Promise<Probe> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file])
  return JSON.parse(stdout)
}

/** The time of every picture of the video track, in seconds. */
export async function frameTimes(file: string): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file])
  return stdout.split('\n').filter(Boolean).map(Number)
}

/** Second at which the test beep (the loud sound above 1.5 kHz) starts, to 50 ms. */
export async function beepOnset(file: string): Promise<number> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-vn', '-af', 'highpass=f=1500,highpass=f=1500', '-ac', '1', '-ar', '8000', '-f', 's16le', 'pipe:1'], { encoding: 'buffer', maxBuffer: 256 << 20 })
  const samples = new Int16Array(stdout.buffer, stdout.byteOffset, stdout.length >> 1)
  const window = 400
  const energies: number[] = []
  for (let start = 0; start + window <= samples.length; start += window) {
    let energy = 0
    for (let i = start; i < start + window; i++) energy += samples[i]! * samples[i]!
    energies.push(energy)
  }
  const max = Math.max(...energies)
  return max > 0 ? (energies.findIndex((e) => e >= max / 2) * window) / 8000 : -1
}

/** Puts a script named ffmpeg first on the PATH for one test: `body` runs before the real one. */
export function ffmpegBefore(t: { teardown: (fn: () => void) => void }, body: (dir: string) => string): string {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'bbb-ffmpeg-'))
  fs.writeFileSync(path.join(bin, 'ffmpeg'), `#!/bin/sh\n${body(bin)}\nexec /usr/bin/env PATH="${process.env.PATH}" ffmpeg "$@"\n`, { mode: 0o755 })
  const PATH = process.env.PATH
  process.env.PATH = `${bin}:${PATH}`
  t.teardown(() => {
    process.env.PATH = PATH
    fs.rmSync(bin, { recursive: true, force: true })
  })
  return bin
}
