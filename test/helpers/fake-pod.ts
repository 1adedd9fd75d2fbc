import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { Readable } from 'node:stream'

export interface PodUpload {
  id: number
  slug: string
  title: string
  owner: string
  type: string | null
  date_evt: string
  description: string
  is_draft: boolean
  bytes: number
  sha1: string
  encodeLaunches: number
}

/**
 * A local Pod 4.x speaking the REST subset the portal uses, as Django REST framework does:
 * `Authorization: Token`, hyperlinked users and types, paginated lists, a multipart upload that
 * does not encode, launch_encode_view, and encoding flags that change after a delay.
 */
export class FakePod {
  readonly token = 'fake-pod-staff-token-0123456789'
  url = ''
  users = new Map<string, { id: number; username: string; email: string; first_name: string; last_name: string }>()
  uploads: PodUpload[] = []
  encodeMs = 300
  /** Answers the next requests of a path prefix with this status (Pod down, a 400…). */
  faults: Array<{ method: string; prefix: string; status: number; times: number }> = []
  private encodingStarted = new Map<number, number>()
  private server = createServer((req, res) => void this.handle(req, res).catch((error) => this.send(res, 500, { detail: String(error) })))

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`
    this.addUser('jdupont')
    return this.url
  }

  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  addUser(username: string) {
    const user = { id: this.users.size + 1, username, email: `${username}@univ.example`, first_name: '', last_name: '' }
    this.users.set(username, user)
    return user
  }

  private send(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json', vary: 'Accept, Authorization' })
    res.end(JSON.stringify(body))
  }

  private userJson = (u: { id: number; username: string; email: string; first_name: string; last_name: string }) => ({ url: `${this.url}/rest/users/${u.id}/`, ...u })
  private videoJson = (v: PodUpload) => {
    const started = this.encodingStarted.get(v.id)
    const encoded = started !== undefined && Date.now() - started >= this.encodeMs
    return {
      id: v.id, url: `${this.url}/rest/videos/${v.id}/`, slug: v.slug, title: v.title, owner: v.owner, type: v.type, date_evt: v.date_evt,
      description: v.description, is_draft: v.is_draft, encoding_in_progress: started !== undefined && !encoded, encoded,
    }
  }
  private page = <T>(results: T[]) => ({ count: results.length, next: null, previous: null, results })

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, this.url)
    if (req.headers.authorization !== `Token ${this.token}`) {
      return this.send(res, 401, { detail: req.headers.authorization ? 'Invalid token.' : 'Authentication credentials were not provided.' })
    }
    const fault = this.faults.find((f) => f.method === req.method && url.pathname.startsWith(f.prefix) && f.times > 0)
    if (fault) {
      fault.times--
      req.resume()
      return this.send(res, fault.status, { detail: 'fault injected by the test' })
    }
    const path = url.pathname
    if (req.method === 'GET' && path === '/rest/users/') {
      const wanted = url.searchParams.get('username')
      return this.send(res, 200, this.page([...this.users.values()].filter((u) => !wanted || u.username === wanted).map(this.userJson)))
    }
    if (req.method === 'POST' && path === '/rest/users/') {
      const body = JSON.parse(await new Response(Readable.toWeb(req) as ReadableStream).text())
      if (!body.username) return this.send(res, 400, { username: ['This field is required.'] })
      if (this.users.has(body.username)) return this.send(res, 400, { username: ['A user with that username already exists.'] })
      return this.send(res, 201, this.userJson(Object.assign(this.addUser(body.username), { email: body.email ?? '' })))
    }
    if (req.method === 'POST' && path === '/rest/videos/') {
      const form = await new Request(url, { method: 'POST', headers: req.headers as Record<string, string>, body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } as RequestInit).formData()
      const file = form.get('video')
      const errors: Record<string, string[]> = {}
      if (!(file instanceof Blob)) errors.video = ['No file was submitted.']
      if (!form.get('title')) errors.title = ['This field is required.']
      const owner = String(form.get('owner') ?? '')
      if (![...this.users.values()].some((u) => this.userJson(u).url === owner)) errors.owner = ['Invalid hyperlink - Object does not exist.']
      if (Object.keys(errors).length) return this.send(res, 400, errors)
      const bytes = Buffer.from(await (file as Blob).arrayBuffer())
      const id = this.uploads.length + 1
      const title = String(form.get('title'))
      const upload: PodUpload = {
        id, slug: `${String(id).padStart(4, '0')}-${title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`,
        title, owner, type: (form.get('type') as string | null) ?? null, date_evt: String(form.get('date_evt') ?? ''), description: String(form.get('description') ?? ''),
        is_draft: form.get('is_draft') === 'true', bytes: bytes.length, sha1: createHash('sha1').update(bytes).digest('hex'), encodeLaunches: 0,
      }
      this.uploads.push(upload)
      return this.send(res, 201, this.videoJson(upload))
    }
    if (req.method === 'GET' && path === '/rest/launch_encode_view/') {
      const video = this.uploads.find((v) => v.slug === url.searchParams.get('slug'))
      if (!video) return this.send(res, 404, { detail: 'Not found.' })
      video.encodeLaunches++
      if (!this.encodingStarted.has(video.id)) this.encodingStarted.set(video.id, Date.now())
      return this.send(res, 200, this.videoJson(video))
    }
    if (req.method === 'GET' && path === '/rest/videos/user_videos/') {
      const user = this.users.get(url.searchParams.get('username') ?? '')
      return this.send(res, 200, this.page(this.uploads.filter((v) => user && v.owner === this.userJson(user).url).map(this.videoJson)))
    }
    const one = /^\/rest\/videos\/(\d+)\/$/.exec(path)
    if (req.method === 'GET' && one) {
      const video = this.uploads.find((v) => v.id === Number(one[1]))
      return video ? this.send(res, 200, this.videoJson(video)) : this.send(res, 404, { detail: 'Not found.' })
    }
    return this.send(res, 404, { detail: 'Not found.' })
  }
}
