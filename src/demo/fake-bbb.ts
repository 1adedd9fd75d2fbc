import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { servePublished } from './published-files.ts'
import { failedXml, nginxErrorPage, recordingXml, type FakeRecording, type RenderOptions } from './fake-bbb-xml.ts'

/**
 * A BigBlueButton (or Scalelite) server as seen through its API, over real HTTP: checksums
 * checked as bbb-web does (algorithm chosen by the hex length), getRecordings filters, BBB 2.6
 * paging, Scalelite ordering and filtering, and faults on demand. It can also serve a folder
 * of published files (/presentation/<id>/..., /playback/...) for the demo.
 */
export type Flavour = 'bbb-2.5' | 'bbb-2.6' | 'scalelite'

export type Fault =
  | { kind: 'html'; status: 404 | 502 | 504 }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'raw'; body: string; contentType?: string }
  | { kind: 'truncate'; afterBytes: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'stall'; afterBytes: number; ms: number }
  | { kind: 'failed'; messageKey: string; message: string }

export interface FakeBbbOptions {
  secret: string
  flavour?: Flavour
  recordings?: FakeRecording[]
  /** Checksum lengths accepted: BBB takes all; Scalelite refuses sha384. */
  algorithms?: Array<'sha1' | 'sha256' | 'sha384' | 'sha512'>
  /** bbb-web's allowFetchAllRecordings (2.6+). */
  allowFetchAll?: boolean
  /** Scalelite's GET_RECORDINGS_API_FILTERED. */
  filtered?: boolean
  metadataStyle?: 'text' | 'cdata'
  /** A canned getRecordings reply (e.g. a real one), served after the checksum check. */
  reply?: string
  /** Folder served under /presentation, /playback, /video, /podcast (published files). */
  publishedDir?: string
  /** Scalelite flavour: record id → token of its protected links. */
  protectedTokens?: Record<string, string>
}

const lengths: Record<number, string> = { 40: 'sha1', 64: 'sha256', 96: 'sha384', 128: 'sha512' }

export class FakeBbb {
  recordings: FakeRecording[]
  /** Faults applied to the next getRecordings calls, one per call. */
  faults: Fault[] = []
  /** Statuses answered for published files whose path matches, `times` times each (nginx down, files gone). */
  fileFaults: Array<{ path: RegExp; status: number; times: number }> = []
  /** Every getRecordings query received (checksum removed), oldest first. */
  readonly calls: Array<Record<string, string>> = []
  /** Runs before each getRecordings reply: lets a test change the data between pages. */
  beforeReply?: (params: URLSearchParams) => void
  private server?: Server
  // Rendering is the real server's work, on another machine: cache it so that benchmarks
  // measure the client. Keyed by the recording object, so replacing one re-renders it.
  private readonly rendered = new WeakMap<FakeRecording, Map<string, Buffer>>()
  private index?: { of: FakeRecording[]; length: number; byId: Map<string, FakeRecording>; byStates: Map<string, FakeRecording[]> }
  url = ''

  constructor(readonly options: FakeBbbOptions) {
    this.recordings = options.recordings ?? []
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        if (!res.headersSent) res.writeHead(500).end(String(error))
        else res.destroy()
      })
    })
    this.server.listen(port, host)
    await once(this.server, 'listening')
    const address = this.server.address() as AddressInfo
    this.url = `http://${host}:${address.port}/`
    return this.url
  }

  async stop(): Promise<void> {
    if (!this.server) return
    this.server.closeAllConnections()
    this.server.close()
    await once(this.server, 'close')
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/'
    const pathname = rawUrl.split('?')[0] ?? '/'
    const api = /^\/bigbluebutton\/api\/([A-Za-z]*)$/.exec(pathname)
    const fileFault = api ? undefined : this.fileFaults.find((f) => f.times > 0 && f.path.test(pathname))
    if (fileFault) {
      fileFault.times--
      return void res.writeHead(fileFault.status, { 'content-type': 'text/html' }).end(`<html><body><h1>${fileFault.status}</h1></body></html>`)
    }
    if (!api) return servePublished(req, res, { root: this.options.publishedDir ?? '/nonexistent', scalelite: this.options.flavour === 'scalelite' ? { protectedTokens: this.options.protectedTokens } : undefined })
    const query = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : ''
    if (!this.checksumOk(api[1] ?? '', query)) return this.xml(res, failedXml('checksumError', 'You did not pass the checksum security check'))
    if (api[1] !== 'getRecordings') return this.xml(res, failedXml('unsupportedRequest', 'This request is not supported by the fake BBB'))
    const params = new URLSearchParams(query)
    params.delete('checksum')
    this.calls.push(Object.fromEntries(params))
    this.beforeReply?.(params)
    const fault = this.faults.shift()
    if (fault) return this.applyFault(fault, res, params)
    if (this.options.reply !== undefined) return this.xml(res, this.options.reply)
    return this.getRecordings(params, res)
  }

  /** bbb-web: hash(callName + query-without-checksum + secret), the algorithm from the hex length. */
  private checksumOk(callName: string, query: string): boolean {
    const match = /(^|&)checksum=([0-9a-fA-F]+)$/.exec(query)
    if (!match) return false
    const given = (match[2] ?? '').toLowerCase()
    const algorithm = lengths[given.length]
    const allowed = this.options.algorithms ?? (this.options.flavour === 'scalelite' ? ['sha1', 'sha256', 'sha512'] : ['sha1', 'sha256', 'sha384', 'sha512'])
    if (!algorithm || !allowed.includes(algorithm as 'sha1')) return false
    const signed = query.slice(0, match.index)
    return createHash(algorithm).update(callName + signed + this.options.secret).digest('hex') === given
  }

  private select(params: URLSearchParams): FakeRecording[] {
    const ids = params.get('recordID')?.split(',').filter(Boolean)
    const meetings = params.get('meetingID')?.split(',').filter(Boolean)
    const states = (params.get('state') ?? 'published,unpublished').split(',')
    let list: FakeRecording[]
    if (ids?.length) {
      // Whole recordIDs are looked up; only a shorter prefix needs a scan.
      const byId = this.byId()
      list = ids.flatMap((id) => (/^[0-9a-f]{40}-\d{13}$/.test(id) ? [byId.get(id)].filter((r) => r !== undefined) : this.recordings.filter((r) => r.recordId.startsWith(id))))
      list = [...new Set(list)]
    } else if (meetings?.length) list = this.recordings.filter((r) => meetings.includes(r.meetingId))
    else return this.withStates(states) // every page asks this: computed once
    return this.inServerOrder(list.filter(inStates(states)))
  }

  /** Scalelite answers newest first; BBB in no particular order (here: as stored). */
  private inServerOrder(list: FakeRecording[]): FakeRecording[] {
    return this.options.flavour === 'scalelite' ? [...list].sort((a, b) => b.startTime - a.startTime) : list
  }

  /** Renders every recording now (both the page and the full form), so that replies only stream. */
  prerender(): void {
    for (const onlyFirstFormat of [false, true]) {
      const render = { baseUrl: this.url, metadataStyle: this.options.metadataStyle, onlyFirstFormat }
      for (const recording of this.recordings) this.renderedXml(recording, render)
    }
  }

  private renderedXml(recording: FakeRecording, render: RenderOptions): Buffer {
    const key = `${render.metadataStyle}:${render.onlyFirstFormat}:${render.baseUrl}`
    let cached = this.rendered.get(recording)
    if (!cached) this.rendered.set(recording, (cached = new Map()))
    let xml = cached.get(key)
    if (xml === undefined) cached.set(key, (xml = Buffer.from(recordingXml(recording, render))))
    return xml
  }

  /** Indexes of the current recordings, rebuilt when the list is replaced or changes length. */
  private indexes() {
    const { recordings } = this
    if (this.index?.of !== recordings || this.index.length !== recordings.length) {
      this.index = { of: recordings, length: recordings.length, byId: new Map(recordings.map((r) => [r.recordId, r])), byStates: new Map() }
    }
    return this.index
  }

  private byId(): Map<string, FakeRecording> {
    return this.indexes().byId
  }

  private withStates(states: string[]): FakeRecording[] {
    const { byStates } = this.indexes()
    const key = states.join(',')
    let list = byStates.get(key)
    if (!list) byStates.set(key, (list = this.inServerOrder(this.recordings.filter(inStates(states)))))
    return list
  }

  private async getRecordings(params: URLSearchParams, res: ServerResponse): Promise<void> {
    const flavour = this.options.flavour ?? 'bbb-2.5'
    const hasIds = params.has('recordID') || params.has('meetingID')
    if (flavour === 'scalelite' && this.options.filtered && !hasIds) return this.xml(res, failedXml('missingParameters', 'param meetingID or recordID must be included.'))
    const limitText = params.get('limit')
    const limit = flavour === 'bbb-2.6' && limitText && /^-?\d+$/.test(limitText) ? Math.min(100, Math.max(1, Number(limitText))) : undefined
    if (flavour === 'bbb-2.6' && this.options.allowFetchAll === false && !hasIds && limit === undefined) {
      return this.xml(res, '<response><returncode>SUCCESS</returncode><messageKey>noRecordings</messageKey><message>No recordings found. This may occur if you attempt to retrieve all recordings.</message></response>')
    }
    let list = this.select(params)
    const total = list.length
    if (limit !== undefined) {
      const offsetText = Number(params.get('offset') ?? 0)
      const offset = Number.isInteger(offsetText) && offsetText > 0 ? offsetText : 0
      list = list.slice(offset, offset + limit)
    }
    res.writeHead(200, { 'content-type': 'text/xml;charset=utf-8' })
    const render = { baseUrl: this.url, metadataStyle: this.options.metadataStyle, onlyFirstFormat: limit !== undefined }
    if (!list.length) {
      const message = flavour === 'scalelite' ? 'There are not recordings for the meetings' : 'There are no recordings for the meeting(s).'
      await write(res, `<response><returncode>SUCCESS</returncode><recordings></recordings><messageKey>noRecordings</messageKey><message>${message}</message>`)
    } else {
      await write(res, '<response><returncode>SUCCESS</returncode><recordings>\n')
      let chunk: Buffer[] = []
      let size = 0
      for (const recording of list) {
        const xml = this.renderedXml(recording, render)
        chunk.push(xml)
        size += xml.length
        if (size > 256 * 1024) {
          await write(res, Buffer.concat(chunk))
          chunk = []
          size = 0
        }
      }
      await write(res, Buffer.concat([...chunk, Buffer.from('</recordings>')]))
    }
    res.end(limit !== undefined ? `<totalElements>${total}</totalElements></response>` : '</response>')
  }

  private async applyFault(fault: Fault, res: ServerResponse, params: URLSearchParams): Promise<void> {
    switch (fault.kind) {
      case 'html':
        res.writeHead(fault.status, { 'content-type': 'text/html' }).end(nginxErrorPage(fault.status))
        return
      case 'status':
        res.writeHead(fault.status, { 'content-type': 'text/plain' }).end(fault.body ?? '')
        return
      case 'raw':
        res.writeHead(200, { 'content-type': fault.contentType ?? 'text/xml' }).end(fault.body)
        return
      case 'failed':
        return this.xml(res, failedXml(fault.messageKey, fault.message))
      case 'delay':
        await sleep(fault.ms)
        return this.getRecordings(params, res)
      case 'truncate':
      case 'stall': {
        const body = await this.renderToString(params)
        res.writeHead(200, { 'content-type': 'text/xml;charset=utf-8' })
        res.write(body.slice(0, fault.afterBytes))
        if (fault.kind === 'stall') await sleep(fault.ms)
        res.destroy()
      }
    }
  }

  private async renderToString(params: URLSearchParams): Promise<string> {
    const list = this.select(params)
    return `<response><returncode>SUCCESS</returncode><recordings>${list.map((r) => recordingXml(r, { baseUrl: this.url })).join('')}</recordings></response>`
  }

  private xml(res: ServerResponse, body: string): void {
    res.writeHead(200, { 'content-type': 'text/xml;charset=utf-8' }).end(body)
  }
}

const inStates = (states: string[]) => (r: FakeRecording) => states.includes('any') || states.includes(r.state)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function write(res: ServerResponse, chunk: string | Buffer): Promise<void> {
  if (!res.write(chunk)) await once(res, 'drain')
}
