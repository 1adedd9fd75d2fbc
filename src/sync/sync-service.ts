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

class EmptyListingRefusedError extends Error {
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
  return {
    /** Lists one source and stores what it holds; never overlaps another sync of that source. */
    syncSource(source: SourceConfig, options: SyncOptions = {}): Promise<SyncSummary> {
      return withSourceLock(deps.handle, source.name, () => syncUnlocked(deps, source, options))
    },
  }
}

/** One sync, under the source's lock: begin, list and store, mark what is gone, resolve owners, finish. */
async function syncUnlocked(deps: SyncDeps, source: SourceConfig, options: SyncOptions): Promise<SyncSummary> {
  const run = await beginRun(deps, source, options)
  let incompleteReason: string | null = null
  let error: string | null = null
  try {
    const listing = await listAndStore(deps, run, source)
    incompleteReason = whyNotComplete(listing, run.tally.unidentified, run.windowed, run.fromCache)
    if (!incompleteReason) await markMissing(deps, run, source.name, listing)
    await resolveOwners(deps, run, source)
    await run.cache.commit(listing.mode)
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught)
    await run.cache.discard()
  }
  return finishRun(deps, run, source.name, { incompleteReason, error })
}

type SyncRun = Awaited<ReturnType<typeof beginRun>>

/** The run's row, its tally, and where the listing goes: the reply cache, then the database (or the --min/--max window first). */
async function beginRun(deps: SyncDeps, source: SourceConfig, options: SyncOptions) {
  const { recordings, runs } = deps
  const dry = options.dry ?? false
  const fromCache = options.useCache ?? false
  const windowed = options.min !== undefined || options.max !== undefined
  // We hold the source's lock: a run still "running" was cut off (a crash, a kill).
  await runs.failInterrupted(source.name)
  const row = await runs.start(source.name, dry, { listing: source.listing, min: options.min, max: options.max, useCache: fromCache,
    allowEmpty: options.allowEmpty ?? false })
  const now = new Date()
  const tally = new SyncTally()
  // A dry run stores nothing: the owners of what it lists are resolved from the listing itself.
  const listed: Array<{ recordId: string; meetingId: string; metadata: Record<string, string> }> = []
  const csv = options.csv && {
    write: async (batch: Recording[]) => {
      if (dry) for (const r of batch) listed.push({ recordId: r.recordId, meetingId: r.meetingId, metadata: r.metadata })
      await options.csv!.write(batch)
    },
  }
  // Read under the source's lock: no other sync adds recordings to it meanwhile.
  const sourceWasEmpty = !(await recordings.holdsAny(source.name))
  const writer = createBatchWriter({ repository: recordings, source: source.name, runId: row.id, now, dry, tally, csv, sourceWasEmpty })
  const cache = ReplyCache.forSource(deps.dataDir, source.name, fromCache)
  return {
    row, options, dry, fromCache, windowed, now, tally, listed, writer, cache, collected: [] as ListedRecording[],
    // Kept on the run as soon as known: a failure after them still records them.
    listing: undefined as ListingResult | undefined,
    owners: undefined as OwnersTally | undefined,
  }
}

/** Lists the source and stores each batch as it comes (what was received is stored even when the listing fails). */
async function listAndStore(deps: SyncDeps, run: SyncRun, source: SourceConfig): Promise<ListingResult> {
  const { writer, cache, tally, options } = run
  const sink = {
    recordings: async (batch: ListedRecording[]) => {
      await cache.add(batch.map((r) => r.xml))
      if (run.windowed) run.collected.push(...batch)
      else await writer.store(batch)
    },
    invalid: (recordId: string | null, reason: string) => tally.reportInvalid(recordId, reason),
  }
  // The cache holds one full reply, whatever listing made it.
  const listingOf = run.fromCache ? { ...source, listing: 'full' as const } : source
  let listing: ListingResult
  try {
    listing = run.listing = await listRecordings(deps.clientFor(source, cache), listingOf, sink,
      { recordIds: options.recordIds, onProgress: options.onProgress })
  } finally {
    await writer.flush()
  }
  if (run.windowed) {
    for (const batch of windowOf(run.collected, options, tally)) await writer.store(batch)
    await writer.flush()
  }
  return listing
}

/** After a whole listing: what the server no longer holds is marked missing (counted only, in a dry run). */
async function markMissing(deps: SyncDeps, run: SyncRun, source: string, result: ListingResult) {
  const { recordings } = deps
  const { tally } = run
  if (tally.counts.listed === 0 && !run.options.allowEmpty) {
    const present = await recordings.countPresent(source)
    if (present > 0) throw new EmptyListingRefusedError(source, present)
  }
  if (run.dry) {
    const scope = result.scope ? new Set(result.scope) : undefined
    const gone = (await recordings.presentRecordIds(source)).filter((id) => !tally.seen.has(id) && !tally.invalidIds.has(id) && (!scope || scope.has(id)))
    tally.counts.missing = gone.length
    for (const id of gone) tally.note('missing', id)
  } else {
    await recordings.touch(source, [...tally.invalidIds], run.row.id, run.now) // still on the server: not missing
    tally.counts.missing = await recordings.markMissing(source, run.row.id, run.now, result.scope)
  }
}

/** The owners of what was listed, while fresh statistics are gathered for the queries that follow (ANALYZE does not block their writes). */
async function resolveOwners(deps: SyncDeps, run: SyncRun, source: SourceConfig): Promise<void> {
  const analyzed = run.writer.written() > 0 ? deps.recordings.analyze() : undefined
  analyzed?.catch(() => {}) // reported where it is awaited below
  try {
    if (!deps.owners) return
    const resolved = await deps.owners.resolveSource(source, { dry: run.dry, now: run.now, listed: run.dry ? run.listed : undefined })
    run.owners = resolved.tally
    run.options.csv?.setOwners?.(resolved.byRecordId)
  } finally {
    await analyzed
  }
}

async function finishRun(deps: SyncDeps, run: SyncRun, source: string,
  outcome: { incompleteReason: string | null; error: string | null }): Promise<SyncSummary> {
  const { tally, owners } = run
  const { error } = outcome
  const result: SyncRunResult = {
    status: error ? 'failed' : 'succeeded',
    listing: run.listing?.mode ?? null,
    complete: !error && !outcome.incompleteReason,
    counts: tally.counts,
    invalid: tally.invalid,
    owners,
    error,
  }
  await deps.runs.finish(run.row.id, result)
  return {
    runId: run.row.id, source, dry: run.dry, status: result.status, listing: result.listing, complete: result.complete,
    incompleteReason: error ? null : outcome.incompleteReason, fromCache: run.fromCache, counts: tally.counts, changes: tally.changes, invalid: tally.invalid,
    owners, error,
    startedAt: run.row.started_at, finishedAt: new Date(),
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

/** Missing recordings are marked only after a whole, live, successful listing. */
function whyNotComplete(listing: ListingResult, unidentified: number, windowed: boolean, fromCache: boolean): string | null {
  if (!listing.complete) return listing.incompleteReason ?? 'the listing is not complete'
  if (windowed) return 'a --min/--max window covers part of the listing'
  if (fromCache) return 'a cached reply may be older than the database'
  if (unidentified) return `${unidentified} recording(s) could not even be identified`
  return null
}

export type SyncService = ReturnType<typeof createSyncService>
