import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, openAsBlob, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** The Python that has Debian's Django and Django REST framework (not a pyenv one earlier on PATH). */
const PYTHON = process.env.POD_TEST_PYTHON ?? '/usr/bin/python3'
const SERVE = fileURLToPath(new URL('../pod/serve.py', import.meta.url))

interface PodVideoState {
  id: number
  slug: string
  title: string
  owner: string
  additional_owners: string[]
  sites: number[]
  type: number
  date_evt: string | null
  description: string
  is_draft: boolean
  is_restricted: boolean
  allow_downloading: boolean
  licence: string | null
  channels: number[]
  themes: number[]
  bytes: number
  sha1: string
  encoding_launches: number
  encoding_in_progress: boolean
  encoded: boolean
  encoding_step: string
}

export interface PodState {
  videos: PodVideoState[]
  users: Array<{ id: number; username: string; is_staff: boolean; email: string }>
  recordings: Array<{ id: number; title: string; user: string; source_file: string; recorder: number }>
  /** Every REST call Pod received, in order: "GET /rest/users/?username=x". */
  requests: string[]
}

export type PodFault =
  | { kind: 'status'; method?: string; path: string; status: number; times?: number }
  | { kind: 'lose-answer'; method?: string; path: string; times?: number }
  | { kind: 'encoding'; mode: 'ffmpeg-error' | 'file-check' | 'backlog'; seconds?: number; times?: number }

/**
 * The test Pod (test/pod/): Django REST framework serving Pod 4.1's models, serializers and
 * routes, as Pod's code has them, on 127.0.0.1. `/_test/` routes inject faults and show what
 * Pod holds; the portal never calls them.
 */
export class TestPod {
  url = ''
  token = ''
  /** Pod's DEFAULT_RECORDER_PATH; recorder 1 watches its `bbb/` folder. */
  recorderPath = ''
  private child?: ChildProcess
  private dir = ''
  private stderr = ''

  async start(options: { usePodfile?: boolean; noMeetings?: boolean; maxBody?: number; encodeSeconds?: number; portalUrl?: string } = {}) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'bbbp-pod-'))
    this.recorderPath = path.join(this.dir, 'recorder')
    mkdirSync(path.join(this.recorderPath, 'bbb'), { recursive: true })
    const args = [SERVE, '--data', this.dir, '--recorder-path', this.recorderPath]
    if (options.usePodfile) args.push('--use-podfile')
    if (options.noMeetings) args.push('--no-meetings')
    if (options.portalUrl) args.push('--portal-url', options.portalUrl)
    if (options.maxBody) args.push('--max-body', String(options.maxBody))
    if (options.encodeSeconds !== undefined) args.push('--encode-seconds', String(options.encodeSeconds))
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } })
    this.child = child
    child.stderr!.on('data', (d) => (this.stderr = (this.stderr + d).slice(-20_000)))
    const line = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! })
      lines.once('line', resolve)
      child.once('exit', (code) => reject(new Error(`the test Pod exited (${code}): ${this.stderr.slice(-3000)}`)))
    })
    const ready = JSON.parse(line) as { url: string; token: string }
    this.url = ready.url
    this.token = ready.token
    return this
  }

  async stop() {
    const child = this.child
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true })
  }

  logs() {
    return this.stderr
  }

  private async control(method: string, route: string, body?: unknown) {
    const res = await fetch(`${this.url}/_test/${route}`, { method, body: body === undefined ? undefined : JSON.stringify(body) })
    if (!res.ok) throw new Error(`test Pod /_test/${route}: HTTP ${res.status}: ${(await res.text()).slice(0, 500)}`)
    return res.json()
  }

  fault(fault: PodFault) {
    return this.control('POST', 'faults', fault)
  }

  /** A user as Pod's admin site or a first SSO login makes one; staff only if asked. */
  async addUser(username: string, options: { staff?: boolean; email?: string } = {}) {
    const made = (await this.control('POST', 'users', { username, is_staff: options.staff ?? false, email: options.email ?? `${username}@univ.example` })) as { id: number }
    return { id: made.id, url: `${this.url}/rest/users/${made.id}/` }
  }

  /** A meeting of Pod's "Réunions" module; its meetingID is what BBB recorded. */
  async addMeeting(name: string, owner: string, siteId = 1) {
    return (await this.control('POST', 'meetings', { name, owner, site_id: siteId })) as { id: number; meeting_id: string }
  }

  /** A video uploaded through Pod's REST API as a Pod admin would (not encoded). */
  async uploadVideo(owner: string, title: string, description = '') {
    const users = (await (await this.rest(`/rest/users/?username=${encodeURIComponent(owner)}`)).json()) as { results: Array<{ url: string }> }
    const form = new FormData()
    form.set('video', await openAsBlob(this.sampleFile()), 'sample.mp4')
    for (const [k, v] of Object.entries({ title, description, owner: users.results[0]!.url, type: `${this.url}/rest/types/1/`, sites: `${this.url}/rest/sites/1/`, is_draft: 'true' })) form.set(k, v)
    const res = await this.rest('/rest/videos/', { method: 'POST', body: form })
    if (res.status !== 201) throw new Error(`upload to the test Pod: HTTP ${res.status}: ${await res.text()}`)
    return (await res.json()) as { id: number; slug: string }
  }

  private sampleFile() {
    const file = path.join(this.dir, 'sample.mp4')
    if (!existsSync(file)) execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=d=1:s=160x120', '-pix_fmt', 'yuv420p', file], { stdio: 'ignore' })
    return file
  }

  state(): Promise<PodState> {
    return this.control('GET', 'state') as Promise<PodState>
  }

  /** Calls Pod's REST API as the portal would (Token of the staff account). */
  async rest(route: string, init: RequestInit = {}) {
    return fetch(`${this.url}${route}`, { ...init, headers: { authorization: `Token ${this.token}`, 'accept-language': 'en', ...(init.headers ?? {}) } })
  }
}

/** Starts a test Pod stopped at the end of the test. */
export async function startTestPod(t: { teardown(fn: () => unknown): void }, options: Parameters<TestPod['start']>[0] = {}) {
  const pod = new TestPod()
  t.teardown(() => pod.stop())
  return pod.start(options)
}
