import { createHash } from 'node:crypto'

/** One <recording> element as the server sent it, before parsing. */
export interface RawRecording {
  xml: string
  /** The recordID read from the text, or null when it cannot be read without a full parse. */
  recordId: string | null
}

const recordIdPattern = /<recordID>\s*([^<&\s]{1,256})\s*<\/recordID>/
// Scalelite's protected URLs carry a new one-time token on every listing.
const tokenPattern = /([?&](?:amp;)?)token=[^&<"\s]*/g

/**
 * Reading the recordID costs a fraction of a full parse. It only routes the recording; what
 * is stored always comes from the parser.
 */
export function toRawRecording(xml: string): RawRecording {
  const recordId = recordIdPattern.exec(xml)?.[1]
  return {
    xml,
    // A copy, not a slice: V8 substrings keep their whole parent string (the reply chunk)
    // alive, and recordIDs outlive the chunk (the listing's set of seen recordings).
    recordId: recordId ? Buffer.from(recordId).toString() : null,
  }
}

/**
 * Identifies a recording's bytes, one-time tokens excepted: same fingerprint, same data, so a
 * re-sync parses only the recordings whose XML changed. Computed only for the recordings
 * stored, not for a paged listing's page entries, which their recordID= answers replace.
 */
export function fingerprintOf(xml: string): string {
  return createHash('sha1').update(xml.replace(tokenPattern, '$1token=')).digest('base64url')
}
