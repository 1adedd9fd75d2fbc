import { openAsBlob } from 'node:fs'
import { FormData, request } from 'undici'
import { PermanentImportError } from './errors.ts'

export interface PodConfig {
  url: string
  token: string
  videoType?: string
  createUsers: boolean
}

export interface PodVideo {
  id: number
  slug: string
  encoding_in_progress?: boolean
  encoded?: boolean
  description?: string
}

/**
 * Pod's REST API (`/rest/`, Django REST framework): token auth, hyperlinked relations. 5xx, 429
 * and network failures are thrown as they are (the job retries); 4xx are permanent.
 */
export function createPodClient(pod: PodConfig) {
  const base = pod.url.replace(/\/$/, '')
  const call = async <T>(method: 'GET' | 'POST', path: string, body?: FormData | Record<string, string>, signal?: AbortSignal): Promise<T> => {
    const form = body instanceof FormData ? body : undefined
    const res = await request(`${base}${path}`, {
      method,
      signal,
      headers: { authorization: `Token ${pod.token}`, accept: 'application/json', ...(body && !form ? { 'content-type': 'application/json' } : {}) },
      body: form ?? (body ? JSON.stringify(body) : undefined),
      headersTimeout: 120_000,
      bodyTimeout: 600_000,
    })
    const text = await res.body.text()
    if (res.statusCode >= 500 || res.statusCode === 429) throw new Error(`Pod answered HTTP ${res.statusCode} to ${method} ${path}`)
    if (res.statusCode >= 400) throw new PermanentImportError(`Pod refused ${method} ${path} (HTTP ${res.statusCode}): ${text.slice(0, 300)}`)
    try {
      return JSON.parse(text) as T
    } catch {
      throw new Error(`Pod answered ${method} ${path} with something that is not JSON`)
    }
  }
  const list = <T>(page: { results?: T[] } | T[]) => (Array.isArray(page) ? page : page.results ?? [])

  return {
    videoLink: (slug: string) => `${base}/video/${slug}/`,

    /** The user's hyperlink, creating the user when allowed. */
    async userUrl(owner: { username: string; email: string | null; displayName: string | null }, signal?: AbortSignal) {
      const found = list(await call<{ results?: Array<{ url: string; username: string }> }>('GET', `/rest/users/?username=${encodeURIComponent(owner.username)}`, undefined, signal))
        .find((u) => u.username === owner.username)
      if (found) return found.url
      if (!pod.createUsers) throw new PermanentImportError(`Pod has no user "${owner.username}" (set POD_CREATE_USERS=true to create them)`)
      const [first, ...last] = (owner.displayName ?? '').split(' ')
      const created = await call<{ url: string }>('POST', '/rest/users/', { username: owner.username, email: owner.email ?? '', first_name: first ?? '', last_name: last.join(' ') }, signal)
      return created.url
    },

    /** A video of this user whose description carries `marker` (an upload Pod got but we never heard of). */
    async findByMarker(username: string, marker: string, signal?: AbortSignal) {
      // A user Pod does not know has no video (and Pod answers 404 for its list).
      const users = list(await call<{ results?: Array<{ username: string }> }>('GET', `/rest/users/?username=${encodeURIComponent(username)}`, undefined, signal))
      if (!users.some((u) => u.username === username)) return undefined
      const videos = list(await call<{ results?: PodVideo[] }>('GET', `/rest/videos/user_videos/?username=${encodeURIComponent(username)}`, undefined, signal))
      return videos.find((v) => v.description?.includes(marker))
    },

    async upload(fields: { file: string; title: string; owner: string; date: string; description: string }, signal?: AbortSignal) {
      const form = new FormData()
      form.set('video', await openAsBlob(fields.file, { type: 'video/mp4' }), 'video.mp4')
      form.set('title', fields.title.slice(0, 250))
      form.set('owner', fields.owner)
      if (pod.videoType) form.set('type', pod.videoType)
      form.set('date_evt', fields.date)
      form.set('description', fields.description)
      form.set('is_draft', 'true')
      return call<PodVideo>('POST', '/rest/videos/', form, signal)
    },

    launchEncoding: (slug: string, signal?: AbortSignal) => call<unknown>('GET', `/rest/launch_encode_view/?slug=${encodeURIComponent(slug)}`, undefined, signal),
    video: (id: string, signal?: AbortSignal) => call<PodVideo>('GET', `/rest/videos/${encodeURIComponent(id)}/`, undefined, signal),
  }
}
export type PodClient = ReturnType<typeof createPodClient>
