import { Agent, request, type Dispatcher } from 'undici'
import { directorySource, httpSource, type AssetSource } from './asset-source.ts'
import { ConvertError } from './errors.ts'
import { parsePlaybackInput, type PlaybackInput } from './playback-input.ts'

export interface ResolvedPlayback {
  kind: 'presentation' | 'video'
  recordId: string
  source: AssetSource
}

export interface ResolveOptions {
  /** Origins the converter may fetch from; the input's own origin when not given. */
  allowedOrigins?: string[]
  /** The input is a published folder on this machine (the CLI's --local); never from a BBB reply. */
  local?: boolean
  dispatcher?: Dispatcher
  retries?: number
}

/**
 * Scalelite protects recordings with `/recording/<id>/presentation?token=…`: it answers with a
 * redirect to the real playback and a cookie that every asset request must carry.
 */
async function followScalelite(input: Extract<PlaybackInput, { kind: 'scalelite' }>, allowed: Set<string>, dispatcher: Dispatcher): Promise<{ next: PlaybackInput; cookie?: string }> {
  const { statusCode, headers, body } = await request(input.entryUrl, { dispatcher, headersTimeout: 30_000, bodyTimeout: 30_000 }).catch((error: Error) => {
    throw new ConvertError(`${new URL(input.entryUrl).host} did not answer: ${error.message}`, true)
  })
  body.resume()
  if (statusCode < 300 || statusCode >= 400 || !headers.location) {
    throw new ConvertError(statusCode === 401 || statusCode === 403 || statusCode === 404
      ? `Scalelite refused the protected link (HTTP ${statusCode}): its token has probably expired; take a fresh URL from getRecordings`
      : `Scalelite answered HTTP ${statusCode} instead of redirecting to the playback`, statusCode >= 500)
  }
  const location = new URL(String(headers.location), input.entryUrl)
  if (!allowed.has(location.origin)) throw new ConvertError(`refused redirect to ${location.host}: only the recording's own server is trusted`)
  const setCookie = headers['set-cookie']
  const cookies = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((c) => c.split(';')[0]!.trim()).filter(Boolean)
  const next = parsePlaybackInput(location.href)
  if (next.kind === 'scalelite') throw new ConvertError('Scalelite redirected to another protected link; refusing to loop')
  return { next, cookie: cookies.length ? cookies.join('; ') : undefined }
}

/** From what the user typed to a source of the recording's files. */
export async function resolvePlayback(raw: string, options: ResolveOptions = {}): Promise<ResolvedPlayback> {
  let input = parsePlaybackInput(raw, { local: options.local })
  if (input.kind === 'directory') return { kind: 'presentation', recordId: input.recordId, source: directorySource(input.dir) }
  const allowed = new Set(options.allowedOrigins ?? [input.origin])
  if (!allowed.has(input.origin)) throw new ConvertError(`${new URL(input.origin).host} is not one of the configured BBB hosts`)
  const dispatcher = options.dispatcher ?? new Agent({ connect: { timeout: 15_000 } })
  let cookie: string | undefined
  if (input.kind === 'scalelite') ({ next: input, cookie } = await followScalelite(input, allowed, dispatcher))
  if (input.kind !== 'presentation' && input.kind !== 'video') throw new ConvertError('unsupported playback')
  return {
    kind: input.kind, recordId: input.recordId,
    source: httpSource({ assetBase: input.assetBase, allowedOrigins: [...allowed], cookie, dispatcher, retries: options.retries }),
  }
}
