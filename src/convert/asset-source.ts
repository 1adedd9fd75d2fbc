import { createWriteStream, existsSync, realpathSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import pLimit from 'p-limit'
import { Agent, request, type Dispatcher } from 'undici'
import { isTransportError } from '../bbb/client.ts'
import { ConvertError } from './errors.ts'

/** Where a recording's published files come from: a BBB host over HTTP or a local folder. */
export interface AssetSource {
  readonly label: string
  /** A small file, whole; null when the server says it does not exist. */
  read(rel: string, maxBytes: number): Promise<Buffer | null>
  /** A media file as a local path (downloaded into `dest` when remote); null when absent. */
  fetchToFile(rel: string, dest: string, maxBytes: number): Promise<string | null>
}

const SAFE_PATH = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/

/**
 * Turns an href found in a published file into a path under the recording, or refuses it:
 * no scheme, no other host, no `..`, nothing but plain file-name characters. An absolute URL
 * is accepted only when it points inside the recording's own folder on the same origin.
 */
export function safeAssetPath(href: string, assetBase?: string): string {
  let rel = href.trim()
  if (/^[a-z][a-z0-9+.-]*:/i.test(rel) || rel.startsWith('//')) {
    const base = assetBase ? new URL(assetBase) : undefined
    let url: URL
    try {
      url = new URL(rel)
    } catch {
      throw new ConvertError(`refused href ${JSON.stringify(href)}: not a valid URL`)
    }
    if (!base || url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
      throw new ConvertError(`refused href ${JSON.stringify(href)}: only files of the recording itself are fetched`)
    }
    rel = decodeURIComponent(url.pathname.slice(base.pathname.length))
  }
  const segments = rel.split('/')
  if (!SAFE_PATH.test(rel) || segments.some((s) => s === '.' || s === '..')) {
    throw new ConvertError(`refused href ${JSON.stringify(href)}: not a plain path inside the recording`)
  }
  return rel
}

function tooBig(rel: string, maxBytes: number): ConvertError {
  return new ConvertError(`${rel} is larger than the ${Math.round(maxBytes / 1048576)} MiB allowed for it`)
}

/** A published recording folder on this machine (e.g. /var/bigbluebutton/published/presentation/<id>). */
export function directorySource(dir: string): AssetSource {
  const root = realpathSync(dir)
  const locate = (rel: string): string | null => {
    const file = path.join(root, safeAssetPath(rel))
    if (!existsSync(file)) return null
    const real = realpathSync(file)
    if (!real.startsWith(root + path.sep)) throw new ConvertError(`refused ${rel}: it leads outside the recording folder`)
    return statSync(real).isFile() ? real : null
  }
  return {
    label: root,
    async read(rel, maxBytes) {
      const file = locate(rel)
      if (!file) return null
      if (statSync(file).size > maxBytes) throw tooBig(rel, maxBytes)
      return readFile(file)
    },
    async fetchToFile(rel, _dest, maxBytes) {
      const file = locate(rel)
      if (file && statSync(file).size > maxBytes) throw tooBig(rel, maxBytes)
      return file
    },
  }
}

export interface HttpSourceOptions {
  /** Base URL of the recording's files, ending with `/`. */
  assetBase: string
  /** Origins the source may talk to; the asset base's own origin by default. */
  allowedOrigins?: string[]
  cookie?: string
  dispatcher?: Dispatcher
  /** Requests at once (a small pool is kind to the old server). */
  concurrency?: number
  retries?: number
  timeoutMs?: number
}

/** Drops a response body we will not read (undici reports the abort as an error: expected here). */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => {})
  body.destroy()
}

function capped(rel: string, maxBytes: number): Transform {
  let seen = 0
  return new Transform({
    transform(chunk: Buffer, _enc, callback) {
      seen += chunk.length
      callback(seen > maxBytes ? tooBig(rel, maxBytes) : null, chunk)
    },
  })
}

/**
 * Files of one recording over HTTP(S). Redirects are followed only within the allowed origins,
 * transient failures (network, timeouts, 5xx, 429) are retried with backoff, sizes are capped
 * while streaming so a lying Content-Length cannot get past.
 */
export function httpSource(options: HttpSourceOptions): AssetSource {
  const base = new URL(options.assetBase)
  const allowed = new Set(options.allowedOrigins ?? [base.origin])
  if (!allowed.has(base.origin)) throw new ConvertError(`${base.host} is not one of the configured BBB hosts`)
  const timeoutMs = options.timeoutMs ?? 60_000
  const dispatcher = options.dispatcher ?? new Agent({ connect: { timeout: 15_000 }, keepAliveTimeout: 10_000 })
  const pool = pLimit(options.concurrency ?? 4)
  const retries = options.retries ?? 3

  async function open(rel: string): Promise<Dispatcher.ResponseData | null> {
    let url = new URL(safeAssetPath(rel), base)
    for (let hop = 0; hop <= 5; hop++) {
      let response: Dispatcher.ResponseData
      try {
        response = await request(url, {
          dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
          headers: options.cookie ? { cookie: options.cookie } : {},
        })
      } catch (error) {
        if (isTransportError(error)) throw new ConvertError(`fetching ${rel} from ${url.host} failed: ${(error as Error).message}`, true)
        throw error
      }
      const { statusCode: status, headers, body } = response
      if (status >= 300 && status < 400 && headers.location) {
        body.resume()
        const next = new URL(String(headers.location), url)
        if (!allowed.has(next.origin)) throw new ConvertError(`refused redirect of ${rel} to ${next.host}: only the recording's own server is trusted`)
        url = next
        continue
      }
      if (status === 404 || status === 410) {
        body.resume()
        return null
      }
      if (status >= 200 && status < 300) return response
      body.resume()
      const message = `fetching ${rel} from ${url.host} answered HTTP ${status}`
      if (status >= 500 || status === 429 || status === 408) throw new ConvertError(message, true)
      throw new ConvertError(status === 401 || status === 403 ? `${message}: access refused (a Scalelite token may have expired)` : message)
    }
    throw new ConvertError(`fetching ${rel}: too many redirects`)
  }

  async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await pool(attempt)
      } catch (error) {
        if (!(error instanceof ConvertError && error.retryable) || i >= retries) throw error
        await sleep(250 * 2 ** i)
      }
    }
  }

  /** A response whose announced size is within the cap (the stream is capped as well). */
  async function openCapped(rel: string, maxBytes: number) {
    const response = await open(rel)
    if (response && Number(response.headers['content-length'] ?? 0) > maxBytes) {
      discard(response.body)
      throw tooBig(rel, maxBytes)
    }
    return response
  }

  return {
    label: base.href,
    read: (rel, maxBytes) =>
      withRetries(async () => {
        const response = await openCapped(rel, maxBytes)
        if (!response) return null
        const chunks: Buffer[] = []
        let size = 0
        // Leaving the loop by throwing closes the stream.
        for await (const chunk of response.body) {
          size += chunk.length
          if (size > maxBytes) throw tooBig(rel, maxBytes)
          chunks.push(chunk)
        }
        return Buffer.concat(chunks)
      }),
    fetchToFile: (rel, dest, maxBytes) =>
      withRetries(async () => {
        const response = await openCapped(rel, maxBytes)
        if (!response) return null
        try {
          await pipeline(response.body, capped(rel, maxBytes), createWriteStream(dest))
        } catch (error) {
          if (error instanceof ConvertError) throw error
          throw new ConvertError(`downloading ${rel} broke off: ${(error as Error).message}`, true)
        }
        return dest
      }),
  }
}
