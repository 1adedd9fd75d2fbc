import { BbbReplyError } from './errors.ts'

/** The envelope (everything outside <recording> elements) is small; more means it is not a BBB reply. */
const MAX_ENVELOPE_CHARS = 1_000_000
/** One recording's XML; real ones are a few KB. */
const MAX_RECORDING_CHARS = 4_000_000

/**
 * Cuts a getRecordings reply, as it streams in, into the XML text of each <recording> element
 * plus the envelope around them (returncode, messageKey, totalElements...). Each piece is then
 * parsed on its own, so a reply of 100k recordings never sits in memory at once.
 *
 * It understands just enough XML to cut safely: CDATA sections and comments (which may hold
 * any text, even "</recording>") are skipped over, and any other markup declaration
 * (<!DOCTYPE, <!ENTITY) is refused, so no entity can ever be expanded.
 */
export class RecordingsSplitter {
  private buffer = ''
  private envelope = ''
  /** Offset in `buffer` of the open <recording>, or -1 outside one. */
  private recordingStart = -1
  private scanFrom = 0
  /** Next "<!" at or after scanFrom (or -1), kept so that each recording does not rescan the chunk. */
  private nextSpecial = -2

  /** Feeds text; returns the recordings completed by it. */
  push(text: string): string[] {
    this.buffer += text
    this.nextSpecial = -2
    const out: string[] = []
    for (;;) {
      const next = this.recordingStart < 0 ? this.findRecordingStart() : this.findRecordingEnd()
      if (next === undefined) break
      if (this.recordingStart < 0) {
        this.envelope += this.buffer.slice(0, next)
        this.buffer = this.buffer.slice(next)
        this.recordingStart = 0
        this.scanFrom = 1
      } else {
        out.push(this.buffer.slice(0, next))
        this.buffer = this.buffer.slice(next)
        this.recordingStart = -1
        this.scanFrom = 0
      }
      // Positions move back by `next`; "none left" (-1) stays true until more text comes.
      this.nextSpecial = this.nextSpecial >= next ? this.nextSpecial - next : this.nextSpecial === -1 ? -1 : -2
    }
    if (this.recordingStart < 0) {
      // Keep the tail from where the scan stopped (a cut tag or CDATA); the rest is envelope.
      const cut = this.scanFrom
      this.envelope += this.buffer.slice(0, cut)
      this.buffer = this.buffer.slice(cut)
      this.scanFrom = 0
      if (this.envelope.length > MAX_ENVELOPE_CHARS) throw new BbbReplyError('invalid', 'the reply is not a getRecordings XML document (too much text outside <recording> elements)')
    } else if (this.buffer.length > MAX_RECORDING_CHARS) {
      throw new BbbReplyError('invalid', 'a <recording> element is larger than 4 MB')
    }
    return out
  }

  /** Ends the stream; returns the envelope text. Throws when the reply stopped inside a recording. */
  end(): string {
    if (this.recordingStart >= 0) throw new BbbReplyError('truncated', 'the reply ends inside a <recording> element (truncated XML)')
    return this.envelope + this.buffer
  }

  /** Index of the next "<recording" start tag, or undefined when more text is needed. */
  private findRecordingStart(): number | undefined {
    let at = this.scanFrom
    for (;;) {
      const lt = this.buffer.indexOf('<', at)
      if (lt < 0) {
        this.scanFrom = this.buffer.length
        return undefined
      }
      const skipped = this.skipSpecial(lt)
      if (skipped === undefined) {
        this.scanFrom = lt
        return undefined
      }
      if (skipped > lt) {
        at = skipped
        continue
      }
      if (this.buffer.length - lt < 11) {
        this.scanFrom = lt // too short to tell "<recording>" from "<recordings>"
        return undefined
      }
      const after = this.buffer.charAt(lt + 10)
      if (this.buffer.startsWith('<recording', lt) && (after === '>' || /\s/.test(after))) return lt
      at = lt + 1
    }
  }

  /** Index just past the matching "</recording>", or undefined when more text is needed. */
  private findRecordingEnd(): number | undefined {
    let at = this.scanFrom
    for (;;) {
      const close = this.buffer.indexOf('</recording', at)
      if (this.nextSpecial === -2 || (this.nextSpecial >= 0 && this.nextSpecial < at)) this.nextSpecial = this.buffer.indexOf('<!', at)
      const special = this.nextSpecial
      if (special >= 0 && (close < 0 || special < close)) {
        const skipped = this.skipSpecial(special)
        if (skipped === undefined) {
          this.scanFrom = special
          return undefined
        }
        at = skipped
        continue
      }
      if (close < 0) {
        this.scanFrom = Math.max(at, this.buffer.length - 12)
        return undefined
      }
      const gt = this.buffer.indexOf('>', close)
      if (gt < 0) {
        this.scanFrom = close
        return undefined
      }
      if (this.buffer.slice(close + 11, gt).trim() !== '') {
        at = close + 1 // e.g. </recordingX>: not ours
        continue
      }
      return gt + 1
    }
  }

  /**
   * At a "<": returns the index past a CDATA section, comment or XML declaration, `lt` itself
   * for an ordinary tag, or undefined when the construct is not complete yet.
   */
  private skipSpecial(lt: number): number | undefined {
    const b = this.buffer
    const rest = b.length - lt
    const pairs: Array<[string, string]> = [['<![CDATA[', ']]>'], ['<!--', '-->'], ['<?', '?>']]
    for (const [open, close] of pairs) {
      if (b.startsWith(open, lt)) {
        const end = b.indexOf(close, lt + open.length)
        return end < 0 ? undefined : end + close.length
      }
      if (rest < open.length && open.startsWith(b.slice(lt))) return undefined
    }
    if (b.startsWith('<!', lt)) {
      if (rest < 14) return undefined // enough to tell "<!DOCTYPE html" apart
      const what = /^<!doctype html/i.test(b.slice(lt, lt + 14)) ? 'an HTML page' : 'a DTD or entity declaration'
      throw new BbbReplyError(what === 'an HTML page' ? 'html' : 'refused', `the reply contains ${what} (refused: no DTD or entity is ever processed)`)
    }
    return lt
  }
}
