import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import { nginxErrorPage } from './fake-bbb-xml.ts'
import { samplePlayerPage } from './sample-player.ts'

export interface PublishedFilesOptions {
  /** Folder laid out like /var/bigbluebutton/published (presentation/<id>/…, video/<id>/…). */
  root: string
  /**
   * Scalelite behaviour: `/recording/<id>/<format>?token=` redirects and sets the cookie that
   * protected recordings then require on every file, and `/playback/video/` redirects to `/video/`.
   */
  scalelite?: { protectedTokens?: Record<string, string> }
}

const types: Record<string, string> = {
  '.xml': 'text/xml', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.json': 'application/json',
  '.webm': 'video/webm', '.mp4': 'video/mp4', '.m4v': 'video/mp4', '.ogg': 'audio/ogg', '.opus': 'audio/ogg', '.html': 'text/html', '.vtt': 'text/vtt',
}
const contentType = (file: string) => types[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
const cookieName = (id: string) => `recording_${id}`
const cookieValue = (id: string, token: string) => createHash('sha256').update(`${id}:${token}`).digest('hex').slice(0, 32)

function cookies(req: IncomingMessage): Map<string, string> {
  return new Map((req.headers.cookie ?? '').split(';').map((c) => c.trim().split('=') as [string, string]).filter(([k]) => k))
}

/**
 * What nginx on a BBB server (and Scalelite in front of it) answers for playback URLs and
 * published files, byte for byte where players and converters depend on it.
 */
export function servePublished(req: IncomingMessage, res: ServerResponse, options: PublishedFilesOptions): void {
  const url = new URL(req.url ?? '/', 'http://localhost')
  const p = url.pathname
  const redirect = (status: number, to: string, headers: Record<string, string> = {}): void => void res.writeHead(status, { location: to, ...headers }).end()
  if (p.match(/^\/playback\/presentation\/(?:2\.0|0\.9\.0)\/playback\.html$/)) {
    return redirect(301, `/playback/presentation/2.3/${url.searchParams.get('meetingId') ?? ''}`)
  }
  const player = /^\/playback\/presentation\/2\.3\/([^/]+)\/?$/.exec(p)
  if (player) {
    // Only a recordID's own shape reaches the page's script.
    const page = /^[0-9a-f]{40}-\d{13}$/.test(player[1]!) ? samplePlayerPage(player[1]!) : '<!doctype html><html><head><title>Recording Playback</title></head><body><div id="root"></div></body></html>'
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page)
    return
  }
  const tokens = options.scalelite?.protectedTokens ?? {}
  let m = /^\/recording\/([^/]+)\/(presentation|video)\/?$/.exec(p)
  if (m && options.scalelite) {
    const [, id, format] = m as unknown as [string, string, string]
    const expected = tokens[id]
    if (expected !== undefined && url.searchParams.get('token') !== expected) return void res.writeHead(404, { 'content-type': 'text/html' }).end(nginxErrorPage(404))
    const to = format === 'video' ? `/video/${id}/` : `/playback/presentation/2.3/${id}`
    return redirect(302, to, expected !== undefined ? { 'set-cookie': `${cookieName(id)}=${cookieValue(id, expected)}; path=/; HttpOnly` } : {})
  }
  if (options.scalelite && (m = /^\/playback\/video\/(.+)$/.exec(p))) return redirect(307, `/video/${m[1]}`)
  const file = /^\/(presentation|video|podcast|notes)\/([^/]+)\/(.*)$/.exec(p)
  if (file && tokens[file[2]!] !== undefined && cookies(req).get(cookieName(file[2]!)) !== cookieValue(file[2]!, tokens[file[2]!]!)) {
    return void res.writeHead(403, { 'content-type': 'text/html' }).end(nginxErrorPage(403))
  }
  const served = p.replace(/^\/playback\/video\//, '/video/')
  let decoded = ''
  try {
    decoded = decodeURIComponent(served)
  } catch {}
  const root = path.resolve(options.root)
  const target0 = decoded ? path.join(root, path.normalize(decoded)) : ''
  const inside = target0.startsWith(root + path.sep)
  const target = inside && statSync(target0, { throwIfNoEntry: false })?.isDirectory() ? path.join(target0, 'index.html') : target0
  const stat = inside ? statSync(target, { throwIfNoEntry: false }) : undefined
  if (!stat?.isFile()) return void res.writeHead(404, { 'content-type': 'text/html' }).end(nginxErrorPage(404))
  res.writeHead(200, { 'content-type': contentType(target), 'content-length': stat.size })
  createReadStream(target).pipe(res)
}
