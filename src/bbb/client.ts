import type { Readable } from 'node:stream'
import { Agent, errors as undiciErrors, request, type Dispatcher } from 'undici'
import type { SourceConfig } from '../config.ts'
import { signedApiUrl } from './checksum.ts'
import { BbbReplyError } from './errors.ts'
import { toRawRecording, type RawRecording } from './raw-recording.ts'
import { htmlError, parseEnvelope, type Envelope } from './recording.ts'
import { RecordingsSplitter } from './recordings-splitter.ts'
import type { ReplyCache } from './reply-cache.ts'

export type GetRecordingsParams = Record<string, string | number | undefined>
export type OnRecording = (raw: RawRecording) => void | Promise<void>

export interface BbbClient {
  /** Streams one getRecordings reply: each recording is handed over as soon as it is complete. */
  getRecordings(params: GetRecordingsParams, onRecording: OnRecording): Promise<Envelope>
}

export interface BbbClientOptions {
  source: Pick<SourceConfig, 'url' | 'secret' | 'checksum'>
  connectTimeoutMs: number
  /** Time allowed for the headers and between two body chunks. */
  readTimeoutMs: number
  dispatcher?: Dispatcher
  /** When replaying, every call reads the saved listing instead of the server. */
  cache?: Pick<ReplyCache, 'replaying' | 'replay'>
}

/** Streams a reply body through the splitter; returns the checked envelope. */
export async function consumeReply(body: AsyncIterable<Buffer | string>, onRecording: OnRecording): Promise<Envelope> {
  const splitter = new RecordingsSplitter()
  const decoder = new TextDecoder('utf-8')
  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true })
    for (const xml of splitter.push(text)) await onRecording(toRawRecording(xml))
  }
  for (const xml of splitter.push(decoder.decode())) await onRecording(toRawRecording(xml))
  return parseEnvelope(splitter.end())
}

function networkError(error: unknown, url: string): BbbReplyError {
  const host = new URL(url).host
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new BbbReplyError('timeout', `no answer from ${host} in time (${error.message}); raise BBB_GET_RECORDINGS_TIMEOUT if the server is slow`)
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) return new BbbReplyError('timeout', `could not connect to ${host}: connect timeout`)
  const code = (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code
  if (code === 'ECONNREFUSED') return new BbbReplyError('network', `connection to ${host} refused`)
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return new BbbReplyError('truncated', `the connection to ${host} closed in the middle of the reply`)
  return new BbbReplyError('network', `request to ${host} failed: ${code ?? (error as Error).message}`)
}

/** A failure of the connection itself (refused, reset, timed out), not of what the server said. */
export function isTransportError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  return error instanceof undiciErrors.UndiciError || (typeof code === 'string' && /^(E[A-Z]+|UND_ERR)/.test(code))
}

async function readSome(body: Readable, max = 65536): Promise<string> {
  let text = ''
  for await (const chunk of body) {
    text += String(chunk)
    if (text.length >= max) break
  }
  body.destroy()
  return text
}

export function createBbbClient(options: BbbClientOptions): BbbClient {
  const dispatcher = options.dispatcher ?? new Agent({ connect: { timeout: options.connectTimeoutMs } })
  const { source, cache } = options

  async function live(params: GetRecordingsParams, onRecording: OnRecording): Promise<Envelope> {
    const url = signedApiUrl(source.url, 'getRecordings', params, source.secret, source.checksum)
    let response: Dispatcher.ResponseData
    try {
      response = await request(url, {
        dispatcher,
        headersTimeout: options.readTimeoutMs,
        bodyTimeout: options.readTimeoutMs,
        headers: { accept: 'application/xml, text/xml' },
      })
    } catch (error) {
      throw networkError(error, url)
    }
    if (response.statusCode !== 200) {
      const text = await readSome(response.body).catch(() => '')
      if (/<html|<!doctype html/i.test(text)) throw htmlError(text, response.statusCode)
      throw new BbbReplyError('http', `the server answered HTTP ${response.statusCode}`, { status: response.statusCode })
    }
    try {
      return await consumeReply(response.body, onRecording)
    } catch (error) {
      response.body.destroy()
      // Errors of the consumer (e.g. the database) pass through untouched.
      if (error instanceof BbbReplyError || !isTransportError(error)) throw error
      throw networkError(error, url)
    }
  }

  return {
    async getRecordings(params, onRecording) {
      if (cache?.replaying) return consumeReply(cache.replay(), onRecording)
      return live(params, onRecording)
    },
  }
}
