import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import path from 'node:path'
import { BbbReplyError } from './errors.ts'

interface CacheIndex {
  savedAt: string
  /** How the saved listing was made (paged, full, by-record-id); a replay reads it as one full reply. */
  listing: string | null
  recordings: number
}

const OPEN = '<?xml version="1.0" encoding="UTF-8"?>\n<response><returncode>SUCCESS</returncode><recordings>\n'
const CLOSE = '</recordings></response>\n'

/**
 * The source's last successful listing, kept under DATA_DIR/cache/<source>/ (Pod's USE_CACHE):
 * one getRecordings reply holding each listed <recording> element as the server sent it, once
 * (a paged listing's recordings as completed by their `recordID=` calls). One file, not one per
 * call: a paged listing makes three calls per page of 100, and each page entry came again in
 * its `recordID=` answer, so the files held every recording twice. A live listing writes into
 * a temporary folder that replaces the previous cache only when the listing succeeded.
 */
export class ReplyCache {
  private readonly writeDir: string
  private out: WriteStream | undefined
  private failure: Error | undefined
  private count = 0

  private constructor(
    private readonly finalDir: string,
    readonly replaying: boolean,
  ) {
    this.writeDir = replaying ? finalDir : `${finalDir}.tmp-${process.pid}-${Date.now()}`
    // A cache made by an older version (one file per call) has no recordings.xml: not replayable.
    if (replaying && !(existsSync(path.join(finalDir, 'index.json')) && existsSync(path.join(finalDir, 'recordings.xml')))) {
      throw new BbbReplyError('invalid', `no cached reply for this source yet (${finalDir}); run a sync without --use-cache first`)
    }
  }

  static forSource(dataDir: string, source: string, replay: boolean): ReplyCache {
    return new ReplyCache(path.join(dataDir, 'cache', source), replay)
  }

  /** The saved listing, as one full getRecordings reply. */
  replay(): AsyncIterable<Buffer> {
    return createReadStream(path.join(this.finalDir, 'recordings.xml'))
  }

  /** Appends recordings of a live listing; waits while the disk is behind. */
  async add(xmls: string[]): Promise<void> {
    if (this.replaying || !xmls.length) return
    if (this.failure) throw this.failure
    const out = this.stream()
    this.count += xmls.length
    if (!out.write(xmls.join('\n') + '\n')) await once(out, 'drain')
  }

  /** Keeps this listing as the source's cache (call after a successful listing). */
  async commit(listing: string | null): Promise<void> {
    if (this.replaying) return
    const out = this.stream()
    out.end(CLOSE)
    await once(out, 'close')
    if (this.failure) throw this.failure
    const index: CacheIndex = { savedAt: new Date().toISOString(), listing, recordings: this.count }
    writeFileSync(path.join(this.writeDir, 'index.json'), JSON.stringify(index))
    rmSync(this.finalDir, { recursive: true, force: true })
    renameSync(this.writeDir, this.finalDir)
  }

  /** The reply being written, opened at the first recording (or at commit, for an empty listing). */
  private stream(): WriteStream {
    if (!this.out) {
      mkdirSync(this.writeDir, { recursive: true })
      this.out = createWriteStream(path.join(this.writeDir, 'recordings.xml'))
      // A write error surfaces at the next add() or at commit(); it must not crash the process.
      this.out.on('error', (error) => (this.failure = error))
      this.out.write(OPEN)
    }
    return this.out
  }

  /** Drops a failed listing's recordings; the previous cache stays. */
  async discard(): Promise<void> {
    if (this.replaying) return
    if (this.out && !this.out.closed) {
      this.out.destroy()
      await once(this.out, 'close')
    }
    rmSync(this.writeDir, { recursive: true, force: true })
  }
}
