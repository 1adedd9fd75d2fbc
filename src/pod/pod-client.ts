import { Agent, FormData, request, type Dispatcher } from 'undici'
import { readCapped } from '../net/capped-body.ts'
import { PermanentImportError } from '../errors.ts'

/**
 * Esup-Pod's REST API (`/rest/`, Django REST framework), as Pod 4.1's code serves it
 * (pod/main/rest_router.py, pod/video/rest_views.py, pod/authentication/rest_views.py,
 * pod/recorder/rest_views.py): `Authorization: Token`, staff only (IsAdminUser), relations as
 * hyperlinks, every list paginated by 12 (`?page=`).
 */
export interface PodUser {
  id: number
  url: string
  username: string
  is_staff: boolean
  email: string
  first_name: string
  last_name: string
}

/** An item of `user_videos` (VideoUserSerializer): no top-level slug, title or description. */
export interface PodUserVideo {
  id: number
  url: string
  encoded: boolean
  encoding_in_progress: boolean
  video_data: {
    title: string
    description: string
    full_url: string
    encoded: boolean
    encoding_in_progress: boolean
    get_encoding_step: string
  }
}

export interface PodMeeting {
  id: number
  meeting_id: string
  owner_id: number
  site_id: number
}

interface Page<T> {
  count: number
  next: string | null
  results: T[]
}

const REPLY_MAX_BYTES = 4 * 1024 * 1024

export type PodClient = ReturnType<typeof createPodClient>

export function createPodClient(pod: { url: string; token: string }, options: { dispatcher?: Dispatcher; connectTimeoutMs?: number } = {}) {
  const base = pod.url.replace(/\/+$/, '')
  const dispatcher = options.dispatcher ?? new Agent({ connect: { timeout: options.connectTimeoutMs ?? 10_000 }, headersTimeout: 15 * 60_000,
    bodyTimeout: 15 * 60_000 })

  /** 5xx, 429 and network failures are thrown as they are (retrying may help); other 4xx are permanent. */
  async function call<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: FormData | Record<string, unknown>, signal?: AbortSignal): Promise<T> {
    const json = body && !(body instanceof FormData)
    const res = await request(`${base}${path}`, {
      method, signal, dispatcher,
      headers: { authorization: `Token ${pod.token}`, accept: 'application/json', 'accept-language': 'en', ...(json ? { 'content-type': 'application/json' } : {}) },
      body: json ? JSON.stringify(body) : (body as FormData | undefined),
    })
    const text = await readCapped(res.body, REPLY_MAX_BYTES, `Pod's answer to ${method} ${path}`)
    const status = res.statusCode
    if (status >= 500 || status === 429) throw new Error(`Pod answered HTTP ${status} to ${method} ${path}`)
    if (status === 401) throw new PermanentImportError(`Pod refused POD_TOKEN (HTTP 401): ${text.slice(0, 200)}`)
    if (status === 403) throw new PermanentImportError(`the account of POD_TOKEN is not staff in Pod (HTTP 403): ${text.slice(0, 200)}`)
    if (status === 413) throw new PermanentImportError('the file is larger than Pod\'s web server accepts (HTTP 413, nginx client_max_body_size)')
    if (status >= 400) throw new PermanentImportError(`Pod refused ${method} ${path} (HTTP ${status}): ${text.slice(0, 500)}`, status)
    try {
      return JSON.parse(text) as T
    } catch {
      throw new Error(`Pod answered ${method} ${path} with something that is not JSON`)
    }
  }

  /** Every item of a paginated list. Pages are asked of our own base URL, never of `next`'s host. */
  async function* every<T>(path: string, signal?: AbortSignal): AsyncGenerator<T> {
    const glue = path.includes('?') ? '&' : '?'
    for (let page = 1; ; page++) {
      const answer = await call<Page<T>>('GET', `${path}${glue}page=${page}`, undefined, signal)
      yield* answer.results
      if (!answer.next || !answer.results.length) return
    }
  }

  const link = (kind: string, id: number) => `${base}/rest/${kind}/${id}/`
  const q = encodeURIComponent

  return {
    base,
    link,
    call,
    every,

    /** Exact match; an empty username would list every user, so it is never asked. */
    async findUser(username: string, signal?: AbortSignal): Promise<PodUser | undefined> {
      if (!username) return undefined
      const page = await call<Page<PodUser>>('GET', `/rest/users/?username=${q(username)}`, undefined, signal)
      return page.results.find((u) => u.username === username)
    },

    createUser: (user: { username: string; email: string; first_name: string; last_name: string; is_staff: boolean }, signal?: AbortSignal) =>
      call<PodUser>('POST', '/rest/users/', user, signal),

    makeStaff: (user: PodUser, signal?: AbortSignal) => call<PodUser>('PATCH', `/rest/users/${user.id}/`, { is_staff: true }, signal),

    /** A user's videos (owner only), narrowed by a part of the title (Pod: `title__icontains`). */
    userVideos: (username: string, titlePart: string, signal?: AbortSignal) =>
      every<PodUserVideo>(`/rest/videos/user_videos/?username=${q(username)}${titlePart ? `&search_title=${q(titlePart)}` : ''}`, signal),

    upload: (form: FormData, signal?: AbortSignal) => call<{ id: number; slug: string }>('POST', '/rest/videos/', form, signal),

    /** Starts encoding unless Pod is encoding it already (pod/video_encode_transcript/rest_views.py). */
    launchEncoding: (slug: string, signal?: AbortSignal) => call<unknown>('GET', `/rest/launch_encode_view/?slug=${q(slug)}`, undefined, signal),

    /** A file already in a recorder's folder, made into a video for `user` by Pod (pod/recorder/). */
    createRecording: (recording: { user: string; recorder: string; title: string; type: 'video'; source_file: string }, signal?: AbortSignal) =>
      call<{ id: number; url: string }>('POST', '/rest/recording/', recording, signal),

    meetings: (signal?: AbortSignal) => every<PodMeeting>('/rest/meeting_session/', signal),

    async userById(id: number, signal?: AbortSignal): Promise<PodUser | undefined> {
      const page = await call<Page<PodUser>>('GET', `/rest/users/?id=${id}`, undefined, signal)
      return page.results.find((u) => u.id === id)
    },

    close: () => dispatcher.close(),
  }
}

/** The slug in a `full_url` (`//pod.univ.fr/video/0012-cours/`): Pod derives it again at each save. */
export const slugOf = (fullUrl: string) => /\/video\/([^/]+)\/?$/.exec(fullUrl)?.[1] ?? ''
