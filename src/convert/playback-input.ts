import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { isWebUrl } from '../net/web-url.ts'
import { ConvertError } from './errors.ts'

/** What `convert` was given, reduced to where the published files are. */
export type PlaybackInput =
  | { kind: 'presentation'; recordId: string; origin: string; assetBase: string; entryUrl: string }
  | { kind: 'scalelite'; recordId: string; origin: string; entryUrl: string }
  | { kind: 'video'; recordId: string; origin: string; assetBase: string; entryUrl: string }
  | { kind: 'directory'; recordId: string; dir: string }

const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/

function recordId(value: string | null | undefined, input: string): string {
  if (!value || !RECORD_ID.test(value)) throw new ConvertError(`no valid record id in ${input}`)
  return value
}

/**
 * Recognises every playback URL form BBB and Scalelite hand out (2.0/0.9.0 playback.html,
 * 2.3 SPA, Scalelite protected links, the video format) and, only when `local` says the input is
 * one (the CLI's --local), a published folder. A URL from a BBB reply is never read as a path,
 * and says nothing about which paths exist.
 */
export function parsePlaybackInput(input: string, options: { local?: boolean } = {}): PlaybackInput {
  if (options.local) {
    const dir = path.resolve(input)
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConvertError(`${input} is neither a playback URL nor a folder`)
    if (!existsSync(path.join(dir, 'metadata.xml'))) throw new ConvertError(`${input} is not a published recording: metadata.xml is missing`)
    return { kind: 'directory', recordId: path.basename(dir), dir }
  }
  if (!isWebUrl(input)) throw new ConvertError(`${JSON.stringify(input.slice(0, 200))} is not a playback URL (http or https, with a host)`)
  let url: URL
  try {
    url = new URL(input)
  } catch {
    throw new ConvertError(`${input} is not a valid URL`)
  }
  if (url.username || url.password) throw new ConvertError('playback URLs with credentials are refused')
  const origin = url.origin
  const at = (rid: string, kind: 'presentation' | 'video') => ({
    kind, recordId: rid, origin, entryUrl: url.href,
    assetBase: kind === 'presentation' ? `${origin}/presentation/${rid}/` : `${origin}/playback/video/${rid}/`,
  })
  const p = url.pathname
  let m = /^\/playback\/presentation\/(?:2\.0|0\.9\.0|0\.81)\/playback\.html$/.exec(p)
  if (m) return at(recordId(url.searchParams.get('meetingId') ?? url.searchParams.get('meetingID'), input), 'presentation')
  if ((m = /^\/playback\/presentation\/2\.[3-9]\/([^/]+)\/?$/.exec(p))) return at(recordId(m[1], input), 'presentation')
  if ((m = /^\/(?:playback\/)?video\/([^/]+)\/?(?:[^/]+\.(?:m4v|mp4|webm|html))?$/.exec(p))) return at(recordId(m[1], input), 'video')
  if ((m = /^\/recording\/([^/]+)\/(presentation|video)\/?$/.exec(p))) return { kind: 'scalelite', recordId: recordId(m[1], input), origin, entryUrl: url.href }
  if ((m = /^\/presentation\/([^/]+)\/?$/.exec(p))) return at(recordId(m[1], input), 'presentation')
  throw new ConvertError(`${input} is not a BBB playback URL (expected …/playback/presentation/2.0/playback.html?meetingId=…, …/playback/presentation/2.3/<id>, …/playback/video/<id>/ or a Scalelite …/recording/<id>/presentation link)`)
}
