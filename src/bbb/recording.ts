import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { z } from 'zod'
import { BbbReplyError } from './errors.ts'
import { declaresEntities } from '../xml.ts'
import { isWebUrl } from '../net/web-url.ts'

// By tag name: these names occur nowhere else in a <recording>, and asking for the path
// (jpath) makes the parser build a string per tag, several times slower.
const arrays = new Set(['recording', 'format', 'image', 'breakoutRoom'])

// Values stay strings (a meetingID of digits must not become a number). DOCTYPE never
// reaches this parser (the splitter refuses it), so no declared entity can be expanded;
// `htmlEntities` is what decodes character references such as &#233;.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => arrays.has(name),
  jPath: false,
})

const httpUrl = z.string().trim().refine(isWebUrl, 'is not an http(s) URL')

const text = z.preprocess((v) => (v === undefined || v === null ? '' : typeof v === 'object' ? (v as Record<string, unknown>)['#text'] ?? '' : v), z.string())
const optionalInt = z.preprocess(
  (v) => (v === undefined || v === '' ? null : v),
  z.string().regex(/^\d+$/, 'is not a whole number').transform(Number).nullable(),
)
const bool = z.preprocess((v) => (v === undefined || v === '' ? 'false' : v), z.enum(['true', 'false']).transform((v) => v === 'true'))
const epochMs = z.string().regex(/^\d{1,15}$/, 'is not a time in milliseconds').transform((v) => new Date(Number(v)))

const previewSchema = z.object({
  '#text': httpUrl,
  '@width': optionalInt,
  '@height': optionalInt,
  '@alt': z.string().optional(),
})

const formatSchema = z.object({
  type: z.string().min(1, 'is empty'),
  url: httpUrl,
  length: optionalInt,
  size: optionalInt,
  processingTime: optionalInt,
  preview: z.object({ images: z.object({ image: z.array(z.preprocess((v) => (typeof v === 'string' ? { '#text': v } : v), previewSchema)).default([]) }).partial() }).partial().optional(),
})

const recordingSchema = z.object({
  recordID: z.string().min(1, 'is empty').max(256, 'is longer than 256 characters'),
  meetingID: text,
  internalMeetingID: text.optional(),
  name: text,
  isBreakout: bool,
  published: bool,
  state: z.string().min(1, 'is empty'),
  startTime: epochMs,
  endTime: z.preprocess((v) => (v === '' ? undefined : v), epochMs.optional()),
  participants: optionalInt,
  metadata: z.preprocess((v) => (v === '' || v === undefined ? {} : v), z.record(z.string(), text)),
  breakout: z.object({ parentId: text.optional() }).partial().optional(),
  playback: z.preprocess((v) => (v === '' || v === undefined ? {} : v), z.object({ format: z.array(formatSchema).default([]) })),
})

export interface RecordingFormat {
  type: string
  url: string
  lengthMinutes: number | null
  size: number | null
  processingTimeMs: number | null
  previews: Array<{ url: string; width: number | null; height: number | null; alt: string | null }>
}

export interface Recording {
  recordId: string
  meetingId: string
  internalMeetingId: string
  /** The name a person recognises: metadata `name` (Greenlight rename), then `bbb-recording-name` (Moodle), then <name>. */
  name: string
  /** BBB's <name>: the meeting's name. */
  meetingName: string
  isBreakout: boolean
  parentMeetingId: string | null
  published: boolean
  state: string
  startTime: Date
  endTime: Date | null
  durationSeconds: number
  participants: number | null
  metadata: Record<string, string>
  formats: RecordingFormat[]
}

export type ParsedRecording = { ok: true; recording: Recording } | { ok: false; recordId: string | null; reason: string }

const clip = (value: string, max: number) => (value.length > max ? value.slice(0, max) : value)

/** Parses and validates one <recording> element's XML. Never throws. */
export function parseRecording(xml: string): ParsedRecording {
  let raw: unknown
  try {
    raw = (parser.parse(xml) as { recording?: unknown[] }).recording?.[0]
  } catch (error) {
    return { ok: false, recordId: null, reason: `malformed XML: ${(error as Error).message}` }
  }
  return validate(raw as Record<string, unknown> | undefined)
}

/**
 * Parses many recordings in one parser call (a parser call has a fixed cost that is large
 * next to one recording). Should the batch not come out as exactly one element per input,
 * each is parsed alone, so one broken recording never touches its neighbours.
 */
export function parseRecordings(xmls: string[]): ParsedRecording[] {
  // By 50: a parser call's fixed cost is spread, and the parser's tree of a slice is garbage
  // before the next slice (a tree of 500 recordings lived long enough to reach the old heap).
  if (xmls.length > 50) {
    const out: ParsedRecording[] = []
    for (let i = 0; i < xmls.length; i += 50) out.push(...parseRecordings(xmls.slice(i, i + 50)))
    return out
  }
  if (xmls.length < 2) return xmls.map(parseRecording)
  try {
    const list = (parser.parse(`<batch>${xmls.join('')}</batch>`) as { batch?: { recording?: unknown[] } }).batch?.recording
    if (Array.isArray(list) && list.length === xmls.length) return list.map((raw) => validate(raw as Record<string, unknown>))
  } catch {
    // one of them is malformed: find out which below
  }
  return xmls.map(parseRecording)
}

function validate(raw: Record<string, unknown> | undefined): ParsedRecording {
  const recordIdGuess = typeof raw?.recordID === 'string' ? raw.recordID : null
  const parsed = recordingSchema.safeParse(raw ?? {})
  if (!parsed.success) {
    const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'recording'} ${i.message}`).join('; ')
    return { ok: false, recordId: recordIdGuess, reason }
  }
  const r = parsed.data
  const metadata = Object.fromEntries(Object.entries(r.metadata).map(([k, v]) => [k, clip(v, 10_000)]))
  const shownName = [metadata.name, metadata['bbb-recording-name'], r.name].find((n) => n && n.trim()) ?? r.recordID
  const endTime = r.endTime ?? null
  return {
    ok: true,
    recording: {
      recordId: r.recordID,
      meetingId: r.meetingID,
      internalMeetingId: r.internalMeetingID || r.recordID,
      name: clip(shownName.trim(), 1000),
      meetingName: clip(r.name.trim(), 1000),
      isBreakout: r.isBreakout,
      parentMeetingId: r.breakout?.parentId || null,
      published: r.published,
      state: r.state,
      startTime: r.startTime,
      endTime,
      durationSeconds: endTime ? Math.max(0, Math.round((endTime.getTime() - r.startTime.getTime()) / 1000)) : 0,
      participants: r.participants,
      metadata,
      formats: r.playback.format.map((f) => ({
        type: f.type,
        url: f.url,
        lengthMinutes: f.length,
        size: f.size,
        processingTimeMs: f.processingTime,
        previews: (f.preview?.images?.image ?? []).map((img) => ({
          url: img['#text'],
          width: img['@width'],
          height: img['@height'],
          alt: img['@alt'] ?? null,
        })),
      })),
    },
  }
}

export interface Envelope {
  messageKey: string | null
  message: string | null
  totalElements: number | null
}

/** Checks the text around the recordings: a well-formed SUCCESS <response>, else a clear error. */
export function parseEnvelope(envelope: string): Envelope {
  const trimmed = envelope.trim()
  if (trimmed === '') throw new BbbReplyError('truncated', 'the reply is empty')
  if (/^(<!doctype html|<html)/i.test(trimmed)) throw htmlError(trimmed)
  if (declaresEntities(trimmed)) throw new BbbReplyError('invalid', 'the reply declares a DTD or entities; refused')
  const valid = XMLValidator.validate(trimmed)
  if (valid !== true) {
    const truncated = /unclosed|expected closing|end of/i.test(valid.err.msg) || !/<\/response>\s*$/.test(trimmed)
    throw new BbbReplyError(truncated ? 'truncated' : 'invalid', `the reply is not well-formed XML${truncated ? ' (truncated?)' : ''}: ${valid.err.msg} (line ${valid.err.line})`)
  }
  const doc = parser.parse(trimmed) as { response?: Record<string, unknown> }
  const response = doc.response
  if (!response || typeof response !== 'object') throw new BbbReplyError('invalid', 'the reply has no <response> element')
  const returncode = String(response.returncode ?? '')
  const messageKey = typeof response.messageKey === 'string' ? response.messageKey : null
  const message = typeof response.message === 'string' ? response.message : null
  if (returncode !== 'SUCCESS') {
    // BBB's newer error form: <errors><error><key/><message/></error></errors>
    const errors = (response.errors as { error?: unknown } | undefined)?.error
    const first = (Array.isArray(errors) ? errors[0] : errors) as { key?: string; message?: string } | undefined
    const key = messageKey ?? first?.key ?? 'unknown'
    throw new BbbReplyError('failed', `BBB answered ${returncode || 'no returncode'} (${key}): ${message ?? first?.message ?? 'no message'}`, { messageKey: key })
  }
  const total = response.totalElements
  return {
    messageKey,
    message,
    totalElements: typeof total === 'string' && /^\d+$/.test(total) ? Number(total) : null,
  }
}

export function htmlError(body: string, status?: number): BbbReplyError {
  const title = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(body)?.[1]?.trim()
  const hint = status === 404 || status === 504 || status === 502 ? ' (a proxy timeout while BBB scans its recordings? see BBB issue #10570)' : ''
  return new BbbReplyError('html', `the server answered an HTML page${status ? ` (HTTP ${status})` : ''} instead of XML${title ? `: "${title}"` : ''}${hint}`, { status })
}
