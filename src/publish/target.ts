import type { PersonInPod } from '../pod/pod-users.ts'

/** What a finished import hands to where it is published. */
export interface Publication {
  importId: number
  file: string
  title: string
  recordId: string
  source: string
  sourceUrl: string
  startTime: Date
  /** Who asked for the import: the video is theirs. */
  owner: PersonInPod
  /** The recording's other owners (co-teachers): Pod's additional owners. */
  coOwners: PersonInPod[]
  /** Left in Pod's claim list whatever RECORDER_ASSIGN says (`sync --convert-all`, Pod's manual claim). */
  plainClaim: boolean
  /** The Pod video of an earlier attempt, if one was uploaded already. */
  podVideoId: string | null
  /** When an attempt asked Pod to process the video (launch its encoding, make the recording): never asked twice. */
  podAskedAt: Date | null
  /** Called as soon as Pod names the new video: stored at once, so a retry never uploads twice. */
  onPodVideo(id: string, url: string): Promise<void>
  /** Stores that Pod is being asked now (the import is then `encoding`), before asking; returns that time. */
  onAskingPod(): Promise<Date>
  signal: AbortSignal
}

/** Where the portal serves a file of the export folder to its owner (the `directory` target's link). */
export const downloadPath = (fileName: string) => `/downloads/${encodeURIComponent(fileName)}`

/** Pod's list of recordings waiting to be claimed ("Revendiquer un enregistrement"), under POD_URL. */
export const claimListPath = '/record/claim_record/'

/** What a finished import's link leads to: the Pod video, Pod's claim page, or the portal's download. */
export type ResultLink = { kind: 'pod' | 'claim' | 'download'; url: string }

export function resultLink(url: string | null, portalUrl: string): ResultLink | null {
  if (!url) return null
  if (url.startsWith('/downloads/')) return { kind: 'download', url: `${portalUrl}${url}` }
  return { kind: url.endsWith(claimListPath) ? 'claim' : 'pod', url }
}

export interface PublishTarget {
  /**
   * Whether this import already reached the target (an earlier run's answer was lost): then
   * it is recorded through `onPodVideo` and nothing is converted or uploaded again.
   */
  alreadyThere?(publication: Omit<Publication, 'file'>): Promise<boolean>
  /** Publishes the file; returns the link teachers get (null when there is none). */
  publish(publication: Publication): Promise<string | null>
}

/** A file name that is safe anywhere: letters, digits, "-" and "_", at most 80 characters. */
export function safeFileName(title: string, recordId: string): string {
  const base = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'recording'
  const id = recordId.replace(/[^A-Za-z0-9_-]+/g, '').slice(0, 80)
  return `${base}--${id}.mp4`
}
