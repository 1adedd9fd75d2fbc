import { spawn } from 'node:child_process'
import os from 'node:os'
import type { Writable } from 'node:stream'
import { ConvertError } from './errors.ts'

export interface RunOptions {
  /** Seconds of output expected, to turn ffmpeg's out_time into a percentage. */
  duration?: number
  onProgress?: (percent: number) => void
  signal?: AbortSignal
  /** Feeds ffmpeg's stdin; its failure fails the run. */
  feed?: (stdin: Writable) => Promise<void>
  binary?: string
  /** Runs at the lowest CPU priority (nice 19): for work with slack beside work on the critical path. */
  lowPriority?: boolean
}

const STDERR_KEEP = 16 * 1024

/**
 * Runs one ffmpeg (or ffprobe) process: progress from `-progress pipe:1`, the stderr tail kept
 * for the error message, killed on abort. Resolves with stdout when `collect` is set.
 */
export function runFfmpeg(args: string[], options: RunOptions & { collect?: boolean } = {}): Promise<Buffer> {
  const binary = options.binary ?? 'ffmpeg'
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new ConvertError('cancelled'))
    const child = spawn(binary, args, { stdio: [options.feed ? 'pipe' : 'ignore', 'pipe', 'pipe'] })
    if (options.lowPriority && child.pid) lowerPriority(child.pid)
    let stderr = ''
    const stdout: Buffer[] = []
    let pending = ''
    let feedError: unknown
    const abort = () => child.kill('SIGKILL')
    options.signal?.addEventListener('abort', abort, { once: true })
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP)
    })
    child.stdout!.on('data', (chunk: Buffer) => {
      if (options.collect) return void stdout.push(chunk)
      pending += chunk.toString('utf8')
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const m = /^out_time_(?:us|ms)=(\d+)/.exec(line)
        if (m && options.duration && options.onProgress) options.onProgress(Math.min(100, Number(m[1]) / 1e6 / options.duration * 100))
      }
    })
    if (options.feed && child.stdin) {
      // ffmpeg closing its stdin early shows up as EPIPE here; its own exit status says why.
      child.stdin.on('error', () => {})
      options.feed(child.stdin).then(
        () => child.stdin?.end(),
        (error) => {
          feedError = error
          child.kill('SIGKILL')
        },
      )
    }
    child.on('error', (error) => reject(new ConvertError(`${binary} could not start: ${error.message} (apt-get install ffmpeg)`)))
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', abort)
      if (options.signal?.aborted) return reject(new ConvertError('cancelled'))
      // A write that failed because ffmpeg went away says nothing: ffmpeg's own message does.
      const ffmpegGone = ['EPIPE', 'ERR_STREAM_DESTROYED'].includes((feedError as { code?: string } | undefined)?.code ?? '')
      if (feedError && !ffmpegGone) return reject(feedError)
      if (code === 0 && !feedError) return resolve(Buffer.concat(stdout))
      reject(exitError(binary, code, signal, stderr))
    })
  })
}

/** A process that already ended, or a system that refuses, leaves the priority as it was. */
function lowerPriority(pid: number) {
  try {
    os.setPriority(pid, 19)
  } catch {}
}

/**
 * Why ffmpeg stopped. Killed by a signal we did not send (the kernel's OOM killer) or short of
 * disk space, another try may find the memory or the space; anything else is in the recording.
 */
function exitError(binary: string, code: number | null, signal: NodeJS.Signals | null, stderr: string) {
  const tail = stderr.trim().split('\n').slice(-6).join(' | ') || 'no message'
  if (signal !== null) return new ConvertError(`${binary} failed (killed by ${signal}${signal === 'SIGKILL' ? ', probably out of memory' : ''}): ${tail}`, true)
  if (/No space left on device/i.test(stderr)) return new ConvertError(`${binary} failed: no space left on device for its output (${tail})`, true)
  return new ConvertError(`${binary} failed (exit ${code}): ${tail}`)
}

interface ProbedStream {
  codec_type: 'video' | 'audio' | 'subtitle' | string
  codec_name?: string
  width?: number
  height?: number
  channels?: number
  avg_frame_rate?: string
  r_frame_rate?: string
}
export interface Probe {
  streams: ProbedStream[]
  format: { duration?: string }
}

export async function probe(args: string[], signal?: AbortSignal): Promise<Probe> {
  const out = await runFfmpeg(args, { binary: 'ffprobe', collect: true, signal })
  return JSON.parse(out.toString('utf8')) as Probe
}
