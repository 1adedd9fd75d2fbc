import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createBbbClient } from '../bbb/client.ts'
import { parseRecording } from '../bbb/recording.ts'
import type { SourceConfig } from '../config.ts'
import { convertPlayback } from '../convert/converter.ts'
import { PermanentImportError } from '../publish/errors.ts'
import type { PublishTarget } from '../publish/target.ts'
import type { ImportsRepository } from './imports-repository.ts'

export interface ImportRunnerDeps {
  imports: ImportsRepository
  sources: SourceConfig[]
  target: PublishTarget
  connectTimeoutMs: number
  maxImportBytes: number
  tmpDir?: string
  /** How often a running import looks whether it was cancelled. */
  cancelCheckMs?: number
  log?: (message: string) => void
}

/** The current formats of one recording, asked of its BBB server (Scalelite tokens are fresh). */
async function refreshFormats(source: SourceConfig, recordId: string, connectTimeoutMs: number) {
  const client = createBbbClient({ source, connectTimeoutMs, readTimeoutMs: 60_000 })
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
 * Its business state moves on the import's row; a cancel seen on the row aborts the run (ffmpeg
 * is killed). Throws to be retried; PermanentImportError fails at once.
 */
export function createImportRunner(deps: ImportRunnerDeps) {
  return async function runImport(importId: number, jobSignal?: AbortSignal): Promise<'done' | 'stopped'> {
    const started = await deps.imports.begin(importId)
    if (!started) return 'stopped'
    const subject = (await deps.imports.subject(importId))!
    const source = deps.sources.find((s) => s.name === subject.source)
    if (!source) throw new PermanentImportError(`the source "${subject.source}" is no longer configured`)

    const abort = new AbortController()
    jobSignal?.addEventListener('abort', () => abort.abort(jobSignal.reason), { once: true })
    const cancelled = () => abort.abort(new Error('cancelled'))
    const advance = async (change: Parameters<ImportsRepository['advance']>[1]) => {
      if (!(await deps.imports.advance(importId, change))) cancelled()
      abort.signal.throwIfAborted()
    }
    // A cancel may come while ffmpeg runs with nothing to report: look at the row now and then.
    const watch = setInterval(() => {
      deps.imports.advance(importId, {}).then((live) => live || cancelled(), () => {})
    }, deps.cancelCheckMs ?? 2000)
    const work = await mkdtemp(path.join(deps.tmpDir ?? tmpdir(), 'bbbp-import-'))
    try {
      let link: string | null = null
      if (!subject.pod_video_id) {
        const formats = await refreshFormats(source, subject.record_id, deps.connectTimeoutMs)
        const format = formats.find((f) => f.type === 'video') ?? formats.find((f) => f.type === 'presentation')
        if (!format) throw new PermanentImportError(`the recording has neither a presentation nor a video playback (${formats.map((f) => f.type).join(', ') || 'none'})`)
        await advance({ state: 'converting', progress: 0 })
        const output = path.join(work, 'recording.mp4')
        let reported = 0
        await convertPlayback(format.url, output, {
          signal: abort.signal, tmpDir: work, maxMediaBytes: deps.maxImportBytes, allowedOrigins: [new URL(source.url).origin],
          warn: (m) => deps.log?.(`import ${importId}: ${m}`),
          onProgress: (percent) => {
            const p = Math.floor(percent)
            if (p >= reported + 2) {
              reported = p
              void advance({ progress: Math.min(p, 99) }).catch(() => {})
            }
          },
        })
        await advance({ state: 'uploading', progress: null })
        link = await publish(output)
      } else {
        await advance({ state: 'encoding', progress: null })
        link = await publish('')
      }
      await deps.imports.finish(importId, { state: 'done', pod_video_url: link })
      return 'done'
    } catch (error) {
      if (abort.signal.aborted && !jobSignal?.aborted) return 'stopped'
      throw error
    } finally {
      clearInterval(watch)
      await rm(work, { recursive: true, force: true })
    }

    async function publish(file: string) {
      return deps.target.publish({
        importId, file, title: subject.name || subject.meeting_name, recordId: subject.record_id, source: subject.source, sourceUrl: source!.url,
        startTime: new Date(subject.start_time), owner: { username: subject.username, email: subject.email, displayName: subject.display_name },
        podVideoId: subject.pod_video_id, signal: abort.signal,
        onPodVideo: (id, url) => advance({ pod_video_id: id, pod_video_url: url }),
        onEncoding: () => advance({ state: 'encoding' }),
      })
    }
  }
}
export type ImportRunner = ReturnType<typeof createImportRunner>
