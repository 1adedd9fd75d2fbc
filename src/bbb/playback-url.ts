import type { RecordingFormat } from './recording.ts'

/**
 * Pod's SCRIPT_PLAYBACK_URL_23: links to the ≤2.2 player (`/2.0/playback.html?meetingId=ID`,
 * also 0.9.0) become the 2.3 player's `/2.3/ID`. Other URLs are returned unchanged.
 */
function toPlayback23(url: string): string {
  const parsed = new URL(url)
  const match = /^(.*\/playback\/presentation)\/(?:2\.0|0\.9\.0)\/playback\.html$/.exec(parsed.pathname)
  const id = parsed.searchParams.get('meetingId')
  if (!match || !id) return url
  return `${parsed.origin}${match[1]}/2.3/${encodeURIComponent(id)}`
}

/** The URL Pod records for a recording: its `video` playback if any, else the presentation. */
export function sourceUrl(formats: RecordingFormat[], playback23: boolean): string | undefined {
  const video = formats.find((f) => f.type === 'video')
  if (video) return video.url
  const presentation = formats.find((f) => f.type === 'presentation')
  if (!presentation) return undefined
  return playback23 ? toPlayback23(presentation.url) : presentation.url
}
