import { fingerprintOf } from '../bbb/raw-recording.ts'
import { parseRecordings, type ParsedRecording, type Recording } from '../bbb/recording.ts'
import type { ListedRecording } from './listing.ts'
import { toRecordingRow } from './recording-row.ts'
import type { RecordingsRepository } from './recordings-repository.ts'
import type { SyncTally } from './sync-tally.ts'

export type BatchItem = ListedRecording & { parsed?: ParsedRecording }

export interface BatchWriterDeps {
  repository: Pick<RecordingsRepository, 'findHashes' | 'upsert' | 'touch' | 'analyze'>
  source: string
  runId: number
  now: Date
  dry: boolean
  tally: SyncTally
  /**
   * The source held no recording when the run started (a first sync): every recording is new,
   * so none is looked up, and the table's statistics need no refresh on the way.
   */
  sourceWasEmpty?: boolean
  /** Receives every recording of each batch, parsed (the CSV export). */
  csv?: { write(recordings: Recording[]): Promise<void> }
}

/**
 * Classifies and stores the listing's batches. A recording whose XML is what was stored last
 * time (one-time tokens aside) is unchanged and only touched; the others are parsed, validated
 * and written. A batch's write runs while the next batch is read and parsed (Postgres works
 * on another core); that next batch then waits for it, so order is kept and at most two
 * batches are in memory however slow the database is.
 */
export function createBatchWriter(deps: BatchWriterDeps) {
  const { repository, source, tally } = deps
  let pendingWrite: Promise<void> = Promise.resolve()
  let written = 0
  let analyzeAt = 1000

  async function store(batch: BatchItem[]): Promise<void> {
    const fingerprints = new Map(batch.map((item) => [item.recordId, fingerprintOf(item.xml)]))
    const known = new Map(deps.sourceWasEmpty ? [] : (await repository.findHashes(source, batch.map((r) => r.recordId))).map((k) => [k.record_id, k]))
    const isUnchanged = (item: ListedRecording) => {
      const before = known.get(item.recordId)
      return before !== undefined && !before.missing_since && before.fingerprint === fingerprints.get(item.recordId)
    }
    const touches = batch.filter(isUnchanged).map((item) => item.recordId)
    // The CSV lists every recording, so it needs them all parsed.
    const toParse = deps.csv ? batch : batch.filter((item) => !isUnchanged(item))
    const unparsed = toParse.filter((item) => !item.parsed)
    const parsedNow = parseRecordings(unparsed.map((item) => item.xml))
    const parsedById = new Map(unparsed.map((item, i) => [item.recordId, parsedNow[i]!]))

    if (deps.dry) for (const item of batch) tally.seen.add(item.recordId) // a stored run finds missing ones in the database
    tally.counts.listed += touches.length
    tally.counts.unchanged += touches.length
    const writes = []
    const parsedBatch: Recording[] = []
    for (const item of toParse) {
      const parsed = item.parsed ?? parsedById.get(item.recordId)!
      if (!parsed.ok) {
        tally.reportInvalid(item.recordId, parsed.reason)
        continue
      }
      parsedBatch.push(parsed.recording)
      if (isUnchanged(item)) continue
      const kind = known.has(item.recordId) ? 'updated' : 'new'
      tally.counts.listed++
      tally.counts[kind]++
      tally.note(kind, item.recordId)
      writes.push(toRecordingRow(parsed.recording, fingerprints.get(item.recordId)!, source, deps.runId, deps.now))
    }
    await deps.csv?.write(parsedBatch)

    // Back-pressure: a database slower than the listing holds the listing up; without this
    // wait, parsed batches piled up behind the writes (test/sync/batch-writer.test.ts).
    await pendingWrite
    pendingWrite = (async () => {
      if (deps.dry) return
      await repository.upsert(writes)
      await repository.touch(source, touches, deps.runId, deps.now)
      written += writes.length
      // A sync that adds many recordings to a few grows the table faster than autovacuum
      // analyzes it: refresh the statistics at each doubling, or lookups by recordID turn
      // into scans (quadratic).
      if (!deps.sourceWasEmpty && written >= analyzeAt) {
        analyzeAt = written * 2
        await repository.analyze()
      }
    })()
    pendingWrite.catch(() => {}) // surfaces through the next batch's write or flush()
  }

  return {
    store,
    /** Resolves when every batch is written; rejects with the first write error. */
    flush: () => pendingWrite,
    /** How many recordings were inserted or updated. */
    written: () => written,
  }
}
