import type { SourceConfig } from '../config.ts'
import type { BbbClient } from '../bbb/client.ts'
import { parseRecordings, type Recording } from '../bbb/recording.ts'
import { ReplyCache } from '../bbb/reply-cache.ts'
import type { DatabaseHandle } from '../db/database.ts'
import type { OwnersTally } from '../db/schema.ts'
import type { OwnerService } from '../owners/owner-service.ts'
import { listRecordings, type ListedRecording, type ListingResult } from './listing.ts'
import type { RecordingsRepository } from './recordings-repository.ts'
import { createBatchWriter, type BatchItem } from './batch-writer.ts'
import { newestFirst } from './recording-row.ts'
import { withSourceLock } from './source-lock.ts'
import type { SyncRunResult, SyncRunsRepository } from './sync-runs-repository.ts'
import { SyncTally } from './sync-tally.ts'

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
  csv?: { write(recordings: Recording[]): Promise<void>; setOwners?(owners: Map<string, Array<{ username: string; displayName: string | null }>>): void }
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
  /** What the owner resolution did (absent only when the service was built without one, as in some tests). */
  owners?: OwnersTally
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

const WRITE_BATCH = 500

export interface SyncDeps {
  handle: Pick<DatabaseHandle, 'db' | 'kind'>
  dataDir: string
  clientFor(source: SourceConfig, cache: ReplyCache): BbbClient
  recordings: RecordingsRepository
  runs: SyncRunsRepository
  /** Resolves owners after a successful listing. */
  owners?: Pick<OwnerService, 'resolveSource'>
}

export function createSyncService(deps: SyncDeps) {
  const { recordings: recordingsRepo, runs: runsRepo } = deps

  async function syncUnlocked(source: SourceConfig, options: SyncOptions): Promise<SyncSummary> {
    const dry = options.dry ?? false
    const fromCache = options.useCache ?? false
    const windowed = options.min !== undefined || options.max !== undefined
    // We hold the source's lock: a run still "running" was cut off (a crash, a kill).
    await runsRepo.failInterrupted(source.name)
    const run = await runsRepo.start(source.name, dry, { listing: source.listing, min: options.min, max: options.max, useCache: fromCache, allowEmpty: options.allowEmpty ?? false })
    const now = new Date()
    const tally = new SyncTally()
    // A dry run stores nothing: the owners of what it lists are resolved from the listing itself.
    const listed: Array<{ recordId: string; meetingId: string; metadata: Record<string, string> }> = []
    const csv = options.csv && {
      write: async (recordings: Recording[]) => {
        if (dry) for (const r of recordings) listed.push({ recordId: r.recordId, meetingId: r.meetingId, metadata: r.metadata })
        await options.csv!.write(recordings)
      },
    }
    // Read under the source's lock: no other sync adds recordings to it meanwhile.
    const sourceWasEmpty = !(await recordingsRepo.holdsAny(source.name))
    const writer = createBatchWriter({ repository: recordingsRepo, source: source.name, runId: run.id, now, dry, tally, csv, sourceWasEmpty })
    const collected: ListedRecording[] = []
    const cache = ReplyCache.forSource(deps.dataDir, source.name, fromCache)
    const sink = {
      recordings: async (batch: ListedRecording[]) => {
        await cache.add(batch.map((r) => r.xml))
        if (windowed) collected.push(...batch)
        else await writer.store(batch)
      },
      invalid: (recordId: string | null, reason: string) => tally.reportInvalid(recordId, reason),
    }
    // The cache holds one full reply, whatever listing made it.
    const listingOf = fromCache ? { ...source, listing: 'full' as const } : source

    let listing: ListingResult | undefined
    let incompleteReason: string | null = null
    let error: string | null = null
    let owners: OwnersTally | undefined
    try {
      try {
        listing = await listRecordings(deps.clientFor(source, cache), listingOf, sink, { recordIds: options.recordIds, onProgress: options.onProgress })
      } finally {
        await writer.flush() // what was received is stored, even when the listing failed
      }
      if (windowed) {
        for (const batch of windowOf(collected, options, tally)) await writer.store(batch)
        await writer.flush()
      }
      incompleteReason = whyNotComplete(listing, tally.unidentified, windowed, fromCache)
      if (!incompleteReason) await markMissing(listing)
      // Fresh statistics for the queries that follow this sync, gathered while the owners are
      // resolved (ANALYZE does not block their writes).
      const analyzed = writer.written() > 0 ? recordingsRepo.analyze() : undefined
      analyzed?.catch(() => {}) // reported where it is awaited below
      try {
        if (deps.owners) {
          const resolved = await deps.owners.resolveSource(source, { dry, now, listed: dry ? listed : undefined })
          owners = resolved.tally
          options.csv?.setOwners?.(resolved.byRecordId)
        }
      } finally {
        await analyzed
      }
      await cache.commit(listing.mode)
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught)
      await cache.discard()
    }

    async function markMissing(result: ListingResult) {
      if (tally.counts.listed === 0 && !options.allowEmpty) {
        const present = await recordingsRepo.countPresent(source.name)
        if (present > 0) throw new EmptyListingRefusedError(source.name, present)
      }
      const invalidIds = [...tally.invalidIds]
      if (dry) {
        const scope = result.scope ? new Set(result.scope) : undefined
        const gone = (await recordingsRepo.presentRecordIds(source.name)).filter((id) => !tally.seen.has(id) && !tally.invalidIds.has(id) && (!scope || scope.has(id)))
        tally.counts.missing = gone.length
        for (const id of gone) tally.note('missing', id)
      } else {
        await recordingsRepo.touch(source.name, invalidIds, run.id, now) // still on the server: not missing
        tally.counts.missing = await recordingsRepo.markMissing(source.name, run.id, now, result.scope)
      }
    }

    const result: SyncRunResult = {
      status: error ? 'failed' : 'succeeded',
      listing: listing?.mode ?? null,
      complete: !error && !incompleteReason,
      counts: tally.counts,
      invalid: tally.invalid,
      owners,
      error,
    }
    await runsRepo.finish(run.id, result)
    return {
      runId: run.id, source: source.name, dry, status: result.status, listing: result.listing, complete: result.complete,
      incompleteReason: error ? null : incompleteReason, fromCache, counts: tally.counts, changes: tally.changes, invalid: tally.invalid, owners, error,
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

/** The --min/--max window needs every startTime: parse all, sort newest first, keep the window. */
function windowOf(collected: ListedRecording[], options: Pick<SyncOptions, 'min' | 'max'>, tally: SyncTally): BatchItem[][] {
  const parsed = parseRecordings(collected.map((raw) => raw.xml))
  const valid: Array<BatchItem & { recording: Recording }> = []
  collected.forEach((raw, i) => {
    const p = parsed[i]!
    if (p.ok) valid.push({ ...raw, parsed: p, recording: p.recording })
    else tally.reportInvalid(raw.recordId, p.reason)
  })
  valid.sort((a, b) => newestFirst(a.recording, b.recording))
  const window = valid.slice((options.min ?? 1) - 1, options.max ?? valid.length)
  const batches: BatchItem[][] = []
  for (let i = 0; i < window.length; i += WRITE_BATCH) batches.push(window.slice(i, i + WRITE_BATCH))
  return batches
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
