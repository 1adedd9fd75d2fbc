import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs'
import { once } from 'node:events'
import path from 'node:path'
import { BbbReplyError } from './errors.ts'

interface CacheIndex {
  savedAt: string
  entries: Record<string, string>
}

/**
 * The raw getRecordings replies of a source's last successful listing, kept under
 * DATA_DIR/cache/<source>/ (Pod's USE_CACHE). A live listing writes into a temporary
 * folder that replaces the previous cache only when the listing succeeded.
 */
export class ReplyCache {
  private readonly index: CacheIndex
  private readonly writeDir: string
  private readonly open = new Set<WriteStream>()

  private constructor(
    private readonly finalDir: string,
    readonly replaying: boolean,
  ) {
    this.writeDir = replaying ? finalDir : `${finalDir}.tmp-${process.pid}-${Date.now()}`
    if (replaying) {
      const indexFile = path.join(finalDir, 'index.json')
      if (!existsSync(indexFile)) throw new BbbReplyError('invalid', `no cached reply for this source yet (${finalDir}); run a sync without --use-cache first`)
      this.index = JSON.parse(readFileSync(indexFile, 'utf8')) as CacheIndex
    } else {
      mkdirSync(this.writeDir, { recursive: true })
      this.index = { savedAt: new Date().toISOString(), entries: {} }
    }
  }

  static forSource(dataDir: string, source: string, replay: boolean): ReplyCache {
    return new ReplyCache(path.join(dataDir, 'cache', source), replay)
  }

  replay(query: string): AsyncIterable<Buffer> {
    const file = this.index.entries[query]
    if (!file) throw new BbbReplyError('invalid', `the cached listing has no reply for "${query || '(no parameters)'}"; the options differ from the cached run: sync without --use-cache`)
    return createReadStream(path.join(this.finalDir, file))
  }

  recorder(query: string): { tee(body: AsyncIterable<Buffer>): AsyncIterable<Buffer>; done(): Promise<void> } {
    const file = `${createHash('sha1').update(query).digest('hex')}.xml`
    this.index.entries[query] = file
    const out: WriteStream = createWriteStream(path.join(this.writeDir, file))
    this.open.add(out)
    // A write error surfaces at done(); until then it must not crash the process.
    let failure: Error | undefined
    out.on('error', (error) => (failure = error))
    const open = this.open
    return {
      async *tee(body) {
        for await (const chunk of body) {
          if (!out.write(chunk)) await once(out, 'drain')
          yield chunk
        }
      },
      async done() {
        if (failure) throw failure
        out.end()
        await once(out, 'finish')
        open.delete(out)
      },
    }
  }

  /** Keeps this listing as the source's cache (call after a successful listing). */
  commit(): void {
    if (this.replaying) return
    writeFileSync(path.join(this.writeDir, 'index.json'), JSON.stringify(this.index))
    rmSync(this.finalDir, { recursive: true, force: true })
    renameSync(this.writeDir, this.finalDir)
  }

  /** Drops a failed listing's replies; the previous cache stays. */
  async discard(): Promise<void> {
    if (this.replaying) return
    await Promise.all([...this.open].map((out) => (out.closed ? undefined : (out.destroy(), once(out, 'close')))))
    this.open.clear()
    rmSync(this.writeDir, { recursive: true, force: true })
  }
}
