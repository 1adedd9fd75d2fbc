import { openAsBlob } from 'node:fs'
import { FormData } from 'undici'
import { PermanentImportError } from '../errors.ts'
import type { PodClient, PodUserVideo } from '../pod/pod-client.ts'
import { podUserFor } from '../pod/pod-users.ts'
import { followEncoding, podVideoLink } from './pod-encoding.ts'
import { localDate } from '../dates.ts'
import { safeFileName, type Publication, type PublishTarget } from './target.ts'

/** What the admin chose for every video the portal makes in Pod (POD_* settings). */
export interface PodPublishSettings {
  siteId: number
  videoType: number
  channel?: number
  theme?: number
  licence?: string
  allowDownloading: boolean
  isRestricted: boolean
  draft: boolean
  createUsers: boolean
  staffUsers: boolean
  encodeTimeoutSeconds: number
  timeZone: string
}

const markerOf = (importId: number) => `[bbb-portal import ${importId}]`
// DRF trims the title it stores; user_videos narrows by `title__icontains`, and a short prefix
// survives an admin's edit of the end.
const podTitle = (title: string) => title.trim().slice(0, 250)
const titleKey = (title: string) => podTitle(title).slice(0, 40)

/**
 * Publishing through Pod's REST API: one upload under the teacher (co-owners, site, type and
 * the admin's defaults), then one encoding, followed until Pod has encoded it. Never twice: the
 * video is looked up by the marker in its description before any upload and after an upload
 * whose answer was lost; encoding is launched once (the import row remembers it), and a video
 * that Pod has queued but not started (a Celery backlog) is waited for, never launched again.
 */
export function podTarget(pod: PodClient, settings: PodPublishSettings, options: { pollMs?: number } = {}): PublishTarget {
  const pollMs = options.pollMs ?? 10_000

  async function find(p: Pick<Publication, 'owner' | 'title' | 'importId' | 'podVideoId' | 'signal'>): Promise<PodUserVideo | undefined> {
    const wanted = p.podVideoId === null ? undefined : Number(p.podVideoId)
    const matches = (v: PodUserVideo) => (wanted === undefined ? v.video_data.description.includes(markerOf(p.importId)) : v.id === wanted)
    for (const titlePart of [titleKey(p.title), '']) {
      for await (const video of pod.userVideos(p.owner.username, titlePart, p.signal)) if (matches(video)) return video
      // A known video whose title was changed in Pod: look through all the owner's videos once.
      if (wanted === undefined) return undefined
    }
    return undefined
  }

  async function uploadForm(p: Publication): Promise<FormData> {
    const policy = { create: settings.createUsers, createStaff: settings.staffUsers, promote: false }
    const owner = await podUserFor(pod, p.owner, policy, p.signal)
    if (!owner) throw new PermanentImportError(`Pod has no user "${p.owner.username}" (set POD_CREATE_USERS=true to create them)`)
    const coOwners = []
    for (const person of p.coOwners) {
      const user = await podUserFor(pod, person, policy, p.signal)
      if (user && user.id !== owner.id) coOwners.push(user)
    }
    const date = localDate(p.startTime, settings.timeZone)
    const form = new FormData()
    form.set('video', await openAsBlob(p.file, { type: 'video/mp4' }), safeFileName(p.title, p.recordId))
    form.set('title', podTitle(p.title))
    form.set('owner', owner.url)
    for (const user of coOwners) form.append('additional_owners', user.url)
    form.set('type', pod.link('types', settings.videoType))
    form.append('sites', pod.link('sites', settings.siteId))
    form.set('date_evt', date)
    form.set('description', `Enregistrement BigBlueButton du ${date}, repris de ${p.sourceUrl} (recordID ${p.recordId}). ${markerOf(p.importId)}`)
    // A boolean missing from a multipart body is false for DRF: a video sent without is_draft is published.
    form.set('is_draft', String(settings.draft))
    form.set('is_restricted', String(settings.isRestricted))
    form.set('allow_downloading', String(settings.allowDownloading))
    if (settings.channel) form.append('channel', pod.link('channels', settings.channel))
    if (settings.theme) form.append('theme', pod.link('themes', settings.theme))
    if (settings.licence) form.set('licence', settings.licence)
    return form
  }

  async function uploadOnce(p: Publication): Promise<PodUserVideo> {
    const form = await uploadForm(p)
    try {
      await pod.upload(form, p.signal)
    } catch (error) {
      // No answer (a lost connection, a proxy's 502/504): Pod may have stored it all the same.
      if (error instanceof PermanentImportError) throw error
      const stored = await find(p)
      if (stored) return stored
      throw error
    }
    const stored = await find(p)
    if (!stored) throw new Error(`Pod accepted the upload but does not list it among ${p.owner.username}'s videos yet`)
    return stored
  }

  return {
    async alreadyThere(p) {
      if (p.podVideoId) return true
      const video = await find(p)
      if (video) await p.onPodVideo(String(video.id), podVideoLink(pod, video))
      return video !== undefined
    },

    async publish(p) {
      let video = await find(p)
      if (!video && p.podVideoId) throw new PermanentImportError(`the video ${p.podVideoId} is no longer among ${p.owner.username}'s videos in Pod (deleted?)`)
      video ??= await uploadOnce(p)
      const withId = { ...p, podVideoId: String(video.id) }
      await p.onPodVideo(withId.podVideoId, podVideoLink(pod, video))
      return followEncoding(pod, video, {
        askedAt: p.podAskedAt, ask: p.onAskingPod, refresh: () => find(withId),
        timeoutSeconds: settings.encodeTimeoutSeconds, pollMs, signal: p.signal,
      })
    },
  }
}
