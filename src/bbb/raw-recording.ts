import { createHash } from 'node:crypto'

/** One <recording> element as the server sent it, before parsing. */
export interface RawRecording {
  xml: string
  /** The recordID read from the text, or null when it cannot be read without a full parse. */
  recordId: string | null
  /** Identifies the recording's bytes, one-time tokens excepted: same fingerprint, same data. */
  fingerprint: string
}

const recordIdPattern = /<recordID>\s*([^<&\s]{1,256})\s*<\/recordID>/
// Scalelite's protected URLs carry a new one-time token on every listing.
const tokenPattern = /([?&](?:amp;)?)token=[^&<"\s]*/g

/**
 * Reading the recordID and hashing the bytes costs a fraction of a full parse: a re-sync
 * parses only the recordings whose XML changed. The recordID read here only routes the
 * recording; what is stored always comes from the parser.
 */
export function toRawRecording(xml: string): RawRecording {
  const recordId = recordIdPattern.exec(xml)?.[1]
  return {
    xml,
    // A copy, not a slice: V8 substrings keep their whole parent string (the reply chunk)
    // alive, and recordIDs outlive the chunk (the listing's set of seen recordings).
    recordId: recordId ? Buffer.from(recordId).toString() : null,
    fingerprint: createHash('sha1').update(xml.replace(tokenPattern, '$1token=')).digest('base64url'),
  }
}
