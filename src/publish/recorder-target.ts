import { existsSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { PermanentImportError } from '../errors.ts'
import type { PodClient, PodUserVideo } from '../pod/pod-client.ts'
import { podUserFor } from '../pod/pod-users.ts'
import { placeFile, type Sharing } from './directory-target.ts'
import { followEncoding, podVideoLink } from './pod-encoding.ts'
import { localDate } from '../dates.ts'
import type { Publication, PublishTarget } from './target.ts'

/** Pod's path columns (Recording.source_file, RecordingFileTreatment.file) hold 200 characters. */
const POD_PATH_MAX = 200

export interface RecorderSettings {
  /** The recorder's folder here (RECORDER_DIR/RECORDER_DIRECTORY). */
  dir: string
  /** The same folder as Pod sees it (POD_RECORDER_PATH/RECORDER_DIRECTORY). */
  podDir: string
  sharing: Sharing
  timeZone: string
  /** RECORDER_ASSIGN: the video is made in Pod for the teacher through POST /rest/recording/. */
  assign?: { pod: PodClient; recorderId: number; createUsers: boolean; staffUsers: boolean; encodeTimeoutSeconds: number }
  /** Where a teacher finds a file left for the plain claim (Pod's claim list), if Pod is known. */
  claimPage?: string
}

/** Django's slugify: ASCII letters, digits, "_" and "-", lowercase. */
function slugify(text: string): string {
  return text.normalize('NFKD').replace(/[^\x00-\x7f]/g, '').toLowerCase().replace(/[^\w\s-]/g, '').trim().replace(/[-\s]+/g, '-').replace(/^[-_]+|[-_]+$/g, '')
}

/**
 * The file's name in Pod's style (Pod's script: slugify(name[:40] + " " + date)): the name then
 * the date in the first 43 characters, which Pod's claim card shows and proposes as the title,
 * then the import's number so that two recordings never share a file; the whole path fits Pod's
 * 200-character columns.
 */
export function claimFileName(p: Pick<Publication, 'title' | 'startTime' | 'importId'>, timeZone: string, podDir: string): string {
  const tail = `-${localDate(p.startTime, timeZone)}_${p.importId}.mp4`
  const room = Math.min(32, POD_PATH_MAX - podDir.length - 1 - tail.length)
  if (room < 1) throw new PermanentImportError(`Pod's recorder folder path (${podDir}) leaves no room for a file name within Pod's ${POD_PATH_MAX} characters`)
  return `${slugify(p.title).slice(0, room).replace(/-+$/, '') || 'bbb'}${tail}`
}

/**
 * Pod's recorder folder. With RECORDER_ASSIGN, once the file is there, Pod is asked to make the
 * video for the teacher (`POST /rest/recording/`, pod/recorder/rest_views.py); Pod then moves the
 * file and encodes it with the recorder's defaults. Without it (and for orphans), the file waits
 * in Pod's claim list ("Revendiquer un enregistrement").
 */
export function recorderTarget(settings: RecorderSettings, options: { pollMs?: number } = {}): PublishTarget {
  const pollMs = options.pollMs ?? 5_000

  /** The video Pod makes from the recording, in a thread after answering: newest first, by its title. */
  async function madeVideo(pod: PodClient, p: Publication): Promise<PodUserVideo> {
    const title = p.title.trim().slice(0, 200)
    for (let i = 0; i < 60; i++) {
      for await (const video of pod.userVideos(p.owner.username, title.slice(0, 40), p.signal)) {
        if (video.video_data.title === title) return video
      }
      await sleep(pollMs, undefined, { signal: p.signal })
    }
    throw new Error(`Pod has not made the video of the recording yet (none titled "${title}" among ${p.owner.username}'s videos)`)
  }

  async function videoById(pod: PodClient, p: Publication, id: number): Promise<PodUserVideo | undefined> {
    for await (const video of pod.userVideos(p.owner.username, '', p.signal)) if (video.id === id) return video
    return undefined
  }

  async function follow(pod: PodClient, p: Publication, video: PodUserVideo): Promise<string> {
    await p.onPodVideo(String(video.id), podVideoLink(pod, video))
    // Making the recording asked Pod to encode: never launched from here.
    return followEncoding(pod, video, {
      askedAt: p.podAskedAt ?? new Date(), ask: p.onAskingPod, refresh: () => videoById(pod, p, video.id),
      timeoutSeconds: settings.assign!.encodeTimeoutSeconds, pollMs, signal: p.signal,
    })
  }

  /** The teacher's Pod user, staff (Pod makes recordings for staff only); checked before any file is placed. */
  async function staffUser(p: Publication) {
    const { pod, createUsers, staffUsers } = settings.assign!
    const user = await podUserFor(pod, p.owner, { create: createUsers, createStaff: staffUsers, promote: staffUsers }, p.signal)
    if (!user) throw new PermanentImportError(`Pod has no user "${p.owner.username}" (set POD_CREATE_USERS=true to create them)`)
    if (!user.is_staff) throw new PermanentImportError(`"${p.owner.username}" is not staff in Pod, and Pod makes recordings for staff only (POD_STAFF_USERS=true makes them staff)`)
    return user
  }

  async function askPod(p: Publication, user: { url: string }, name: string, placed: string): Promise<string> {
    const { pod, recorderId } = settings.assign!
    const asked = p.podAskedAt !== null
    const askedAt = await p.onAskingPod()
    try {
      await pod.createRecording({ user: user.url, recorder: pod.link('recorder', recorderId), title: p.title.trim().slice(0, 200), type: 'video', source_file: path.posix.join(settings.podDir, name) }, p.signal)
    } catch (error) {
      // Asked before (its answer lost): Pod has the recording already, or has already taken the file.
      const taken = /already exists/i.test((error as Error).message) || !existsSync(placed)
      if (!(asked && taken)) throw error
    }
    return follow(pod, { ...p, podAskedAt: askedAt }, await madeVideo(pod, p))
  }

  return {
    // Pod made the video in an earlier run: follow it, convert nothing again.
    alreadyThere: async (p) => Boolean(settings.assign && !p.plainClaim && p.podVideoId),

    async publish(p) {
      if (settings.assign && !p.plainClaim && p.podVideoId) {
        const made = await videoById(settings.assign.pod, p, Number(p.podVideoId))
        if (!made) throw new PermanentImportError(`the video ${p.podVideoId} is no longer among ${p.owner.username}'s videos in Pod (deleted?)`)
        return follow(settings.assign.pod, p, made)
      }
      const name = claimFileName(p, settings.timeZone, settings.podDir)
      const placed = path.join(settings.dir, name)
      const user = settings.assign && !p.plainClaim ? await staffUser(p) : undefined
      // Asked before: the file was placed then, and Pod may have taken it since; never placed twice.
      if (!(user && p.podAskedAt && !existsSync(placed))) await placeFile(p.file, settings.dir, name, settings.sharing)
      return user ? askPod(p, user, name, placed) : (settings.claimPage ?? null)
    },
  }
}
