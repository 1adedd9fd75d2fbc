import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createBbbClient, type BbbClient } from '../bbb/client.ts'
import { parseRecording } from '../bbb/recording.ts'
import type { SourceConfig } from '../config.ts'
import { convertPlayback } from '../convert/converter.ts'
import { isRetryable, PermanentImportError } from '../errors.ts'
import type { PublishTarget } from '../publish/target.ts'
import type { ImportsRepository } from './imports-repository.ts'
import type { ImportNotice } from './import-mail.ts'
import { timed } from './import-metrics.ts'
import type { Logger } from '../log.ts'

export interface ImportRunnerDeps {
  imports: ImportsRepository
  sources: SourceConfig[]
  target: PublishTarget
  connectTimeoutMs: number
  maxImportBytes: number
  /** The chat panel in imported videos (IMPORT_CHAT). */
  chat?: 'none' | 'panel' | 'anonymous'
  /** A run renews its lease as it goes; a dead worker's import is taken up once it runs out. */
  leaseSeconds: number
  tmpDir?: string
  /** How often a running import renews its lease and looks whether it was cancelled. */
  cancelCheckMs?: number
  log: Logger
  /** Tells the teacher an import is done or failed (SMTP_URL); a failed e-mail is only logged. */
  notify?: (notice: ImportNotice) => Promise<void>
  /** Aborted when this worker stops: its runs end at once and hand their imports back. */
  stopping?: AbortSignal
}

type Advance = (change?: Parameters<ImportsRepository['advance']>[3]) => Promise<void>
type Subject = NonNullable<Awaited<ReturnType<ImportsRepository['subject']>>>

/** The current formats of one recording, asked of its BBB server (Scalelite tokens are fresh). */
async function refreshFormats(client: BbbClient, source: SourceConfig, recordId: string) {
  const found: string[] = []
  await client.getRecordings({ recordID: recordId, state: 'any' }, (raw) => {
    found.push(raw.xml)
  })
  const parsed = found.map(parseRecording).find((p) => p.ok && p.recording.recordId === recordId)
  if (!parsed?.ok) throw new PermanentImportError(`the recording ${recordId} is no longer on ${source.url} (deleted from BBB?)`)
  return parsed.recording.formats
}

/**
 * One run of one import: refresh from BBB, convert (or download the `video` playback), publish.
 * The import's row carries its business state and the run's lease, renewed as the run goes; a
 * cancel (or a lost lease) seen on the row aborts the run and kills ffmpeg. A failure that may
 * pass on another try (`isRetryable`) puts the import back in line and is thrown for the queue to
 * retry; any other, or the last attempt's, fails the import with its reason.
 */
export function createImportRunner(deps: ImportRunnerDeps) {
  const lease = deps.leaseSeconds
  // One BBB client (and connection pool) per source for all the runs of this worker.
  const clients = new Map<string, BbbClient>()
  const clientOf = (source: SourceConfig) => {
    if (!clients.has(source.name)) clients.set(source.name, createBbbClient({ source, connectTimeoutMs: deps.connectTimeoutMs, readTimeoutMs: 60_000 }))
    return clients.get(source.name)!
  }

  async function convertAndPublish(importId: number, subject: Subject, advance: Advance, work: string, signal: AbortSignal): Promise<string | null> {
    const source = deps.sources.find((s) => s.name === subject.source)
    if (!source) throw new PermanentImportError(`the source "${subject.source}" is no longer configured`)
    const coOwners = (await deps.imports.coOwners(importId)).map((o) => ({ username: o.username, email: o.email, displayName: o.display_name }))
    const publication = {
      importId, title: subject.name || subject.meeting_name, recordId: subject.record_id, source: subject.source, sourceUrl: source.url,
      startTime: new Date(subject.start_time), owner: { username: subject.username, email: subject.email, displayName: subject.display_name }, coOwners,
      plainClaim: subject.plain_claim, podVideoId: subject.pod_video_id, podAskedAt: subject.pod_asked_at, signal,
      onPodVideo: (id: string, url: string) => advance({ pod_video_id: id, pod_video_url: url }),
      onAskingPod: async () => {
        const now = new Date()
        await advance({ state: 'encoding', progress: null, pod_asked_at: now })
        return now
      },
    }
    const publish = (file: string) => deps.target.publish({ ...publication, file })
    // Pod already has it (an earlier run uploaded it): follow its encoding, never convert or upload again.
    if (await deps.target.alreadyThere?.(publication)) {
      await advance({ state: 'encoding', progress: null })
      return publish('')
    }
    const formats = await refreshFormats(clientOf(source), source, subject.record_id)
    const format = formats.find((f) => f.type === 'video') ?? formats.find((f) => f.type === 'presentation')
    if (!format) throw new PermanentImportError(`the recording has neither a presentation nor a video playback (${formats.map((f) => f.type).join(', ') || 'none'})`)
    await advance({ state: 'converting', progress: 0 })
    const output = path.join(work, 'recording.mp4')
    let reported = 0
    await timed('convert', () => convertPlayback(format.url, output, {
      signal, tmpDir: work, maxMediaBytes: deps.maxImportBytes, allowedOrigins: [new URL(source.url).origin], chat: deps.chat,
      log: deps.log.child({ importId }),
      onProgress: (percent) => {
        if (percent < reported + 2) return
        reported = Math.floor(percent)
        advance({ progress: Math.min(reported, 99) }).catch(() => {})
      },
    }))
    await advance({ state: 'uploading', progress: null })
    return timed('publish', () => publish(output))
  }

  return async function runImport(importId: number, attempt: { last: boolean } = { last: false }): Promise<'done' | 'failed' | 'stopped' | 'handed back' | 'busy'> {
    // A job fetched while this worker stops is left, untouched, for another.
    if (deps.stopping?.aborted) return 'handed back'
    const token = randomUUID()
    const started = await deps.imports.begin(importId, token, lease)
    if (started === 'busy') return 'busy'
    if (started === 'ended') return 'stopped'
    const subject = (await deps.imports.subject(importId))!
    const abort = new AbortController()
    const stop = () => abort.abort(new Error('the import was cancelled'))
    const leave = () => abort.abort(new Error('the worker stopped'))
    deps.stopping?.addEventListener('abort', leave, { once: true })
    const advance: Advance = async (change = {}) => {
      if (!(await deps.imports.advance(importId, token, lease, change))) stop()
      abort.signal.throwIfAborted()
    }
    // Renews the lease, and sees a cancel while ffmpeg runs with nothing else to report.
    const heartbeat = setInterval(() => {
      deps.imports.advance(importId, token, lease).then((held) => held || stop(), () => {})
    }, Math.min(deps.cancelCheckMs ?? 2000, (lease * 1000) / 3))
    const work = await mkdtemp(path.join(deps.tmpDir ?? tmpdir(), 'bbbp-import-'))
    const tell = async (notice: (to: string, title: string) => ImportNotice) => {
      if (!deps.notify || !subject.email) return
      await deps.notify(notice(subject.email, subject.name || subject.meeting_name)).catch((e) => deps.log.warn(`import ${importId}: e-mail not sent: ${(e as Error).message}`))
    }
    let link: string | null = null
    let failure: unknown
    try {
      link = await convertAndPublish(importId, subject, advance, work, abort.signal)
    } catch (error) {
      failure = error
    } finally {
      clearInterval(heartbeat)
      deps.stopping?.removeEventListener('abort', leave)
      // Cleaned before the outcome is written: whoever sees the import ended sees no leftovers.
      await rm(work, { recursive: true, force: true })
    }
    if (failure === undefined) {
      await deps.imports.finish(importId, token, { state: 'done', pod_video_url: link })
      await tell((to, title) => ({ kind: 'done', to, title, link }))
      return 'done'
    }
    if (deps.stopping?.aborted) {
      // Not a failure of the import: another worker takes it up without waiting for the lease.
      await deps.imports.requeue(importId, token, 'the worker stopped; taken up again')
      return 'handed back'
    }
    if (abort.signal.aborted) return 'stopped'
    const reason = (failure as Error).message
    if (!isRetryable(failure) || attempt.last) {
      await deps.imports.finish(importId, token, { state: 'failed', error: reason })
      deps.log.warn(`import ${importId} failed: ${reason}`)
      await tell((to, title) => ({ kind: 'failed', to, title, reason }))
      return 'failed'
    }
    await deps.imports.requeue(importId, token, reason)
    throw failure
  }
}
export type ImportRunner = ReturnType<typeof createImportRunner>
