import pLimit from 'p-limit'
import type { SourceConfig } from '../config.ts'
import type { BbbClient, GetRecordingsParams } from '../bbb/client.ts'
import type { RawRecording } from '../bbb/raw-recording.ts'
import { parseRecording } from '../bbb/recording.ts'

/** A recording of the listing, its recordID known. */
export type ListedRecording = RawRecording & { recordId: string }

type ListingMode = 'paged' | 'full' | 'by-record-id'

export interface ListingResult {
  mode: ListingMode
  /** True when every recording the server holds (or every asked recordID) was seen. */
  complete: boolean
  /** Why the listing is not complete, for the run's report. */
  incompleteReason?: string
  /** For by-record-id: the recordIDs asked, the only ones that may be marked missing. */
  scope?: string[]
}

export interface ListingSink {
  /** Receives recordings in batches, each recordID once per listing. */
  recordings(batch: ListedRecording[]): Promise<void>
  invalid(recordId: string | null, reason: string): void
}

/** A full reply is handed over in batches of this size as it streams in. */
const STREAM_BATCH = 500
/** recordIDs per `recordID=` call: about 2.8 KB of query, well under proxies' URL limits. */
const IDS_PER_CALL = 50
/** `recordID=` calls in flight at once: a page's two, without crowding the old server. */
const ID_CALLS_AT_ONCE = 2

function stateParam(source: Pick<SourceConfig, 'states'>): GetRecordingsParams {
  if (source.states === 'any') return { state: 'any' }
  const states = [...source.states].sort()
  // BBB's default; omitted so the query stays what every server accepts.
  return states.join(',') === 'published,unpublished' ? {} : { state: states.join(',') }
}

/** The recordID, read cheaply, or by a full parse; null (and reported) when the recording is unusable. */
function identify(raw: RawRecording, sink: ListingSink): ListedRecording | null {
  if (raw.recordId) return raw as ListedRecording
  const parsed = parseRecording(raw.xml)
  if (parsed.ok) return { ...raw, recordId: parsed.recording.recordId }
  sink.invalid(parsed.recordId, parsed.reason)
  return null
}

/** What a listing has seen so far, and its hand-over to the sink: shared by the three strategies. */
function listingState(client: BbbClient, source: Pick<SourceConfig, 'states'>, sink: ListingSink, onProgress?: (listed: number, total: number | null) => void) {
  const listing = {
    client,
    sink,
    states: stateParam(source),
    seen: new Set<string>(),
    pending: [] as ListedRecording[],
    onProgress,

    accept(raw: RawRecording) {
      const listed = identify(raw, sink)
      if (!listed || listing.seen.has(listed.recordId)) return // pages can shift: each recording once
      listing.seen.add(listed.recordId)
      listing.pending.push(listed)
    },

    async flush() {
      const batch = listing.pending
      listing.pending = []
      if (batch.length) await sink.recordings(batch)
      onProgress?.(listing.seen.size, null)
    },

    /** `recordID=` batches: each recording with all its formats, by recordID. */
    async byIds(ids: string[]): Promise<Map<string, ListedRecording>> {
      const found = new Map<string, ListedRecording>()
      const wanted = new Set(ids)
      const slices: string[][] = []
      for (let i = 0; i < ids.length; i += IDS_PER_CALL) slices.push(ids.slice(i, i + IDS_PER_CALL))
      const limit = pLimit(ID_CALLS_AT_ONCE)
      const answers = await Promise.all(slices.map((slice) => limit(async () => {
        const raws: RawRecording[] = []
        await client.getRecordings({ recordID: slice.join(','), ...listing.states }, (raw) => void raws.push(raw))
        return raws
      }))).catch((error) => {
        limit.clearQueue() // no more calls once one failed
        throw error
      })
      // In the order asked, whatever order the answers came in.
      for (const raw of answers.flat()) {
        const listed = identify(raw, sink)
        // recordID is a prefix match: keep only what was asked.
        if (listed && wanted.has(listed.recordId)) found.set(listed.recordId, listed)
      }
      return found
    },
  }
  return listing
}
type Listing = ReturnType<typeof listingState>

export async function listRecordings(
  client: BbbClient,
  source: Pick<SourceConfig, 'listing' | 'states' | 'pageSize'>,
  sink: ListingSink,
  options: { recordIds?: string[]; onProgress?: (listed: number, total: number | null) => void } = {},
): Promise<ListingResult> {
  const listing = listingState(client, source, sink, options.onProgress)
  if (source.listing === 'by-record-id') return listByRecordIds(listing, options.recordIds ?? [])
  const paging = source.listing !== 'full'
  // A reply is streamed to the sink in batches unless it is a page, whose formats are
  // completed first; a page holds at most 100 recordings, so a larger reply is a full one.
  const first = await client.getRecordings(paging ? { ...listing.states, offset: 0, limit: source.pageSize } : listing.states, async (raw) => {
    listing.accept(raw)
    if (listing.pending.length >= STREAM_BATCH) await listing.flush()
  })
  if (paging && first.totalElements !== null) return listPages(listing, source.pageSize, first.totalElements)
  if (source.listing === 'paged') throw new Error('listing "paged" asked, but the server does not page (no totalElements: BBB < 2.6 or Scalelite); use "auto" or "full"')
  await listing.flush()
  return { mode: 'full', complete: true }
}

/** The recordIDs of a file, by batches of `recordID=` calls (servers that refuse an unfiltered listing). */
async function listByRecordIds(listing: Listing, recordIds: string[]): Promise<ListingResult> {
  const ids = [...new Set(recordIds)]
  if (!ids.length) throw new Error('listing "by-record-id" needs recordIDs: give --record-ids FILE or recordIdsFile in the source config')
  for (let i = 0; i < ids.length; i += STREAM_BATCH) {
    const found = await listing.byIds(ids.slice(i, i + STREAM_BATCH))
    for (const listed of found.values()) listing.accept(listed)
    await listing.flush()
  }
  return { mode: 'by-record-id', complete: true, scope: ids }
}

/**
 * The pages after the first (BBB >= 2.6), whose recordings are already pending: a page may list
 * one format per recording; the same recording asked by recordID (no limit) lists them all, so
 * that answer is the one kept.
 */
async function listPages(listing: Listing, pageSize: number, firstTotal: number): Promise<ListingResult> {
  const totals = new Set<number>([firstTotal])
  let total = firstTotal
  let offset = 0
  // Completed pages go to the sink by STREAM_BATCH, as a full reply does, not page by page:
  // each hand-over costs the sink a database round trip that the listing waits for.
  let completed: ListedRecording[] = []
  const handOver = async () => {
    listing.pending = completed
    completed = []
    await listing.flush()
  }
  try {
    for (;;) {
      const pageEntries = listing.pending.length
      const nextOffset = offset + pageSize
      // An empty page ends the listing too, so a server that lies about its total cannot loop us.
      const last = nextOffset >= total || (pageEntries === 0 && nextOffset > pageSize)
      // The next page is fetched while this one is completed.
      const nextRaws: RawRecording[] = []
      const nextPage = last ? undefined : listing.client.getRecordings({ ...listing.states, offset: nextOffset, limit: pageSize },
        (raw) => void nextRaws.push(raw))
      nextPage?.catch(() => {}) // its failure is reported where it is awaited below
      if (listing.pending.length) {
        const byId = await listing.byIds(listing.pending.map((r) => r.recordId))
        for (const r of listing.pending) completed.push(byId.get(r.recordId) ?? r)
        listing.pending = []
      }
      if (completed.length >= STREAM_BATCH || !nextPage) await handOver()
      listing.onProgress?.(listing.seen.size, total)
      offset = nextOffset
      if (!nextPage) break
      const envelope = await nextPage
      for (const raw of nextRaws) listing.accept(raw)
      if (envelope.totalElements !== null) {
        totals.add(envelope.totalElements)
        total = envelope.totalElements
      }
    }
  } catch (error) {
    await handOver() // what was completed is stored even when a later call failed
    throw error
  }
  const seen = listing.seen.size
  if (totals.size > 1) return { mode: 'paged', complete: false, incompleteReason: `the server's total changed during the listing (${[...totals].join(' → ')}): recordings may have been skipped` }
  if (seen < total) return { mode: 'paged', complete: false, incompleteReason: `the pages held ${seen} distinct recordings of the ${total} announced: pages shifted while listing` }
  return { mode: 'paged', complete: true }
}
