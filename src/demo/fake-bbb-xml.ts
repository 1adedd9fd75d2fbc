/**
 * getRecordings XML as BBB 2.x writes it (RecMetaResponse.toXml, field order kept), used by
 * the fake BBB of the demo, the tests and the benchmark.
 */
interface FakeFormat {
  type: string
  /** Absolute, or a path starting with "/" resolved against the fake server's URL. */
  url: string
  processingTime?: number
  /** Whole minutes. */
  length: number
  size?: number
  previews?: Array<{ url: string; width: number; height: number; alt: string }>
}

export interface FakeRecording {
  recordId: string
  meetingId: string
  internalMeetingId?: string
  name: string
  isBreakout?: boolean
  published: boolean
  state: string
  startTime: number
  endTime: number
  participants?: number
  rawSize?: number
  metadata: Record<string, string>
  formats: FakeFormat[]
}

export const escapeXml = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string)

const cdata = (value: string) => `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`

export interface RenderOptions {
  baseUrl: string
  /** Old servers (0.9–1.x, Scalelite for empty values) wrap metadata in CDATA. */
  metadataStyle?: 'text' | 'cdata'
  /** BBB 2.6 pages keep one metadata entry per recording: one format. */
  onlyFirstFormat?: boolean
}

const absolute = (url: string, baseUrl: string) => (url.startsWith('/') ? baseUrl.replace(/\/$/, '') + url : url)

export function recordingXml(r: FakeRecording, options: RenderOptions): string {
  const meta = Object.entries(r.metadata)
    .map(([k, v]) => `<${k}>${options.metadataStyle === 'cdata' ? cdata(v) : escapeXml(v)}</${k}>`)
    .join('')
  const formats = (options.onlyFirstFormat ? r.formats.slice(0, 1) : r.formats)
    .map((f) => {
      const previews = f.previews?.length
        ? `<preview><images>${f.previews
          .map((p) => `<image width="${p.width}" height="${p.height}" alt="${escapeXml(p.alt)}">${escapeXml(absolute(p.url, options.baseUrl))}</image>`)
          .join('')}</images></preview>`
        : ''
      return (
        `<format><type>${escapeXml(f.type)}</type><url>${escapeXml(absolute(f.url, options.baseUrl))}</url>` +
        `<processingTime>${f.processingTime ?? 0}</processingTime><length>${f.length}</length>` +
        `${f.size !== undefined ? `<size>${f.size}</size>` : ''}${previews}</format>`
      )
    })
    .join('')
  return (
    `<recording><recordID>${escapeXml(r.recordId)}</recordID><meetingID>${escapeXml(r.meetingId)}</meetingID>` +
    `<internalMeetingID>${escapeXml(r.internalMeetingId ?? r.recordId)}</internalMeetingID><name>${escapeXml(r.name)}</name>` +
    `<isBreakout>${r.isBreakout ?? false}</isBreakout><published>${r.published}</published><state>${escapeXml(r.state)}</state>` +
    `<startTime>${r.startTime}</startTime><endTime>${r.endTime}</endTime><participants>${r.participants ?? 0}</participants>` +
    `${r.rawSize !== undefined ? `<rawSize>${r.rawSize}</rawSize>` : ''}<metadata>${meta}</metadata>` +
    `<playback>${formats}</playback><data/></recording>\n`
  )
}

export const failedXml = (messageKey: string, message: string) =>
  `<response><returncode>FAILED</returncode><messageKey>${escapeXml(messageKey)}</messageKey><message>${escapeXml(message)}</message></response>`

/** nginx's page when bbb-web is too slow to answer (BBB issue #10570). */
export const nginxErrorPage = (status: number) => {
  const title = { 404: '404 Not Found', 502: '502 Bad Gateway', 504: '504 Gateway Time-out' }[status] ?? `${status} Error`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/1.18.0 (Ubuntu)</center>\r\n</body>\r\n</html>\r\n`
}
