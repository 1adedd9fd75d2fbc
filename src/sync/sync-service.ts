import type { SourceConfig } from '../config.ts'
import type { BbbClient } from '../bbb/client.ts'
import { parseRecordings, type ParsedRecording, type Recording } from '../bbb/recording.ts'
import { ReplyCache } from '../bbb/reply-cache.ts'
import type { DatabaseHandle } from '../db/database.ts'
import { listRecordings, type ListedRecording, type ListingResult } from './listing.ts'
import { createRecordingsRepository } from './recordings-repository.ts'
import { newestFirst, toRecordingRow } from './recording-row.ts'
import { withSourceLock } from './source-lock.ts'
import { createSyncRunsRepository, type SyncRunResult } from './sync-runs-repository.ts'

export interface SyncOptions {
  dry?: boolean
  /** 1-based window over the recordings ordered newest first (Pod's --min/--max-value-record-process). */
  min?: number
  max?: number
  useCache?: boolean
  allowEmpty?: boolean
  /** For `by-record-id` listing. */
  recordIds?: string[]
  /** Receives the recordings processed (after the window), e.g. for the CSV export. */
  csv?: { write(recordings: Recording[]): Promise<void> }
  onProgress?: (listed: number, total: number | null) => void
}

export interface SyncSummary {
  runId: number
  source: string
  dry: boolean
  status: 'succeeded' | 'failed'
  listing: string | null
  complete: boolean
  incompleteReason: string | null
  fromCache: boolean
  counts: SyncRunResult['counts']
  /** recordIDs per kind of change, the first 1000 of each. */
  changes: { new: string[]; updated: string[]; missing: string[] }
  invalid: SyncRunResult['invalid']
  error: string | null
  startedAt: Date
  finishedAt: Date
}

export class EmptyListingRefusedError extends Error {
  constructor(source: string, present: number) {
    super(`source "${source}" listed no recording while ${present} are known: refusing to mark them all missing (give --allow-empty if the server really is empty)`)
    this.name = 'EmptyListingRefusedError'
  }
}

const MAX_LISTED = 1000
const WRITE_BATCH = 500

export interface SyncDeps {
  handle: Pick<DatabaseHandle, 'db' | 'kind'>
  dataDir: string
  clientFor(source: SourceConfig, cache: ReplyCache): BbbClient
}

export function createSyncService(deps: SyncDeps) {
  const recordingsRepo = createRecordingsRepository(deps.handle.db)
  const runsRepo = createSyncRunsRepository(deps.handle.db)

  async function syncUnlocked(source: SourceConfig, options: SyncOptions): Promise<SyncSummary> {
    const dry = options.dry ?? false
    const windowed = options.min !== undefined || options.max !== undefined
    const run = await runsRepo.start(source.name, dry, {
      listing: source.listing, min: options.min, max: options.max, useCache: options.useCache ?? false, allowEmpty: options.allowEmpty ?? false,
    })
    const now = new Date()
    const counts = { listed: 0, new: 0, updated: 0, unchanged: 0, missing: 0, invalid: 0 }
    const changes: SyncSummary['changes'] = { new: [], updated: [], missing: [] }
    const invalid: SyncSummary['invalid'] = []
    const invalidIds = new Set<string>()
    let unidentified = 0
    const seen = new Set<string>()
    const note = (kind: keyof SyncSummary['changes'], id: string) => {
      if (changes[kind].length < MAX_LISTED) changes[kind].push(id)
    }

    const reportInvalid = (recordId: string | null, reason: string) => {
      counts.invalid++
      if (recordId) invalidIds.add(recordId)
      else unidentified++
      if (invalid.length < MAX_LISTED) invalid.push({ recordId, reason })
    }

    /**
     * Classifies and writes one batch. A recording whose XML is byte for byte what was stored
     * (one-time tokens aside) is unchanged and only touched; the others are parsed, validated
     * and written.
     */
    async function store(batch: Array<ListedRecording & { parsed?: ParsedRecording }>) {
      const known = new Map((await recordingsRepo.findHashes(source.name, batch.map((r) => r.recordId))).map((k) => [k.record_id, k]))
      const isUnchanged = (item: ListedRecording) => {
        const before = known.get(item.recordId)
        return before !== undefined && !before.missing_since && before.fingerprint === item.fingerprint
      }
      const touches = batch.filter(isUnchanged).map((item) => item.recordId)
      // The CSV lists every recording, so it needs them all parsed.
      const toParse = options.csv ? batch : batch.filter((item) => !isUnchanged(item))
      const unparsed = toParse.filter((item) => !item.parsed)
      const parsedNow = parseRecordings(unparsed.map((item) => item.xml))
      const parsedById = new Map(unparsed.map((item, i) => [item.recordId, parsedNow[i]!]))

      const writes = []
      const forCsv: Recording[] = []
      for (const item of batch) seen.add(item.recordId)
      counts.listed += touches.length
      counts.unchanged += touches.length
      for (const item of toParse) {
        const parsed = item.parsed ?? parsedById.get(item.recordId)!
        if (!parsed.ok) {
          reportInvalid(item.recordId, parsed.reason)
          continue
        }
        forCsv.push(parsed.recording)
        if (isUnchanged(item)) continue
        counts.listed++
        const kind = known.has(item.recordId) ? 'updated' : 'new'
        counts[kind]++
        note(kind, item.recordId)
        writes.push(toRecordingRow(parsed.recording, item.fingerprint, source.name, run.id, now))
      }
      await options.csv?.write(forCsv)
      // Written while the next batch is read and parsed: Postgres works on another core.
      // One write at a time keeps the order and bounds memory to two batches.
      const previous = pendingWrite
      pendingWrite = (async () => {
        await previous
        if (!dry) {
          await recordingsRepo.upsert(writes)
          await recordingsRepo.touch(source.name, touches, run.id, now)
        }
      })()
      pendingWrite.catch(() => {}) // awaited (and thrown) by the next batch or the end of the listing
    }
    let pendingWrite: Promise<void> = Promise.resolve()

    const collected: ListedRecording[] = []
    const sink = {
      recordings: windowed ? async (batch: ListedRecording[]) => void collected.push(...batch) : store,
      invalid: reportInvalid,
    }

    const cache = ReplyCache.forSource(deps.dataDir, source.name, options.useCache ?? false)
    let listing: ListingResult | undefined
    let incompleteReason: string | null = null
    let error: string | null = null
    try {
      try {
        listing = await listRecordings(deps.clientFor(source, cache), source, sink, { recordIds: options.recordIds, onProgress: options.onProgress })
      } finally {
        await pendingWrite // what was received is stored, even when the listing failed
      }
      if (windowed) {
        // The window needs every startTime: parse all, sort, keep the window.
        const all = parseRecordings(collected.map((raw) => raw.xml))
        const parsed = collected.map((raw, i) => ({ ...raw, parsed: all[i]! }))
        const valid = parsed.filter((p) => p.parsed.ok || (reportInvalid(p.recordId, p.parsed.reason), false))
        valid.sort((a, b) => newestFirst((a.parsed as { recording: Recording }).recording, (b.parsed as { recording: Recording }).recording))
        const window = valid.slice((options.min ?? 1) - 1, options.max ?? valid.length)
        for (let i = 0; i < window.length; i += WRITE_BATCH) await store(window.slice(i, i + WRITE_BATCH))
        await pendingWrite
      }
      incompleteReason = whyNotComplete(listing, unidentified, windowed, options.useCache ?? false)
      if (!incompleteReason) await markMissing(listing)
      cache.commit()
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught)
      await cache.discard()
    }

    async function markMissing(result: ListingResult) {
      if (counts.listed === 0 && !options.allowEmpty) {
        const present = await recordingsRepo.countPresent(source.name)
        if (present > 0) throw new EmptyListingRefusedError(source.name, present)
      }
      // Invalid recordings are still on the server: not missing.
      if (!dry) await recordingsRepo.touch(source.name, [...invalidIds], run.id, now)
      if (dry) {
        const scope = result.scope ? new Set(result.scope) : undefined
        const gone = (await recordingsRepo.presentRecordIds(source.name)).filter((id) => !seen.has(id) && !invalidIds.has(id) && (!scope || scope.has(id)))
        counts.missing = gone.length
        gone.slice(0, MAX_LISTED).forEach((id) => note('missing', id))
      } else {
        counts.missing = await recordingsRepo.markMissing(source.name, run.id, now, result.scope)
      }
    }

    const result: SyncRunResult = {
      status: error ? 'failed' : 'succeeded',
      listing: listing?.mode ?? null,
      complete: !error && !incompleteReason,
      counts,
      invalid,
      error,
    }
    await runsRepo.finish(run.id, result)
    return {
      runId: run.id, source: source.name, dry, status: result.status, listing: result.listing, complete: result.complete,
      incompleteReason: error ? null : incompleteReason, fromCache: options.useCache ?? false, counts, changes, invalid, error,
      startedAt: run.started_at, finishedAt: new Date(),
    }
  }

  return {
    /** Lists one source and stores what it holds; never overlaps another sync of that source. */
    syncSource(source: SourceConfig, options: SyncOptions = {}): Promise<SyncSummary> {
      return withSourceLock(deps.handle, source.name, () => syncUnlocked(source, options))
    },
  }
}

export type SyncService = ReturnType<typeof createSyncService>

/** Missing recordings are marked only after a whole, live, successful listing. */
function whyNotComplete(listing: ListingResult, unidentified: number, windowed: boolean, fromCache: boolean): string | null {
  if (!listing.complete) return listing.incompleteReason ?? 'the listing is not complete'
  if (windowed) return 'a --min/--max window covers part of the listing'
  if (fromCache) return 'a cached reply may be older than the database'
  if (unidentified) return `${unidentified} recording(s) could not even be identified`
  return null
}
