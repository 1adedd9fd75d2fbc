import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'

type MappingKind = 'meetingID' | 'recordID' | 'bbb-context-label'

/** The admin's mapping: which usernames own the recordings of a meeting, a recording or a course label. */
export interface OwnerMapping {
  lookup(recording: { recordId: string; meetingId: string; contextLabel?: string }): string[] | undefined
  size: number
}

const KINDS: MappingKind[] = ['recordID', 'meetingID', 'bbb-context-label']

/**
 * Reads `key,usernames` rows (`,` or `;`). A header naming the key column (`meetingID`,
 * `recordID`, `bbb-context-label`) restricts matching to that kind; otherwise a key is tried as
 * a recordID, then a meetingID, then a course label. Usernames are separated by spaces, `|` or `,`.
 */
export function parseOwnerMapping(text: string, file = 'mapping file'): OwnerMapping {
  const delimiter = (text.split('\n')[0] ?? '').includes(';') ? ';' : ','
  let rows: Array<{ record: string[]; info: { lines: number } }>
  try {
    // `info` gives each row's line in the file, comments and blank lines included.
    rows = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true, comment: '#', info: true }) as unknown as typeof rows
  } catch (error) {
    throw new Error(`${file}: not valid CSV (${(error as Error).message})`, { cause: error })
  }
  const header = rows[0]?.record[0]?.toLowerCase()
  const only = KINDS.find((k) => k.toLowerCase() === header)
  if (only || header === 'key') rows = rows.slice(1)
  const table = new Map<string, string[]>()
  for (const { record: [key, ...rest], info } of rows) {
    const usernames = rest.join(' ').split(/[\s|,]+/).map((u) => u.trim().toLowerCase()).filter(Boolean)
    if (!key || !usernames.length) throw new Error(`${file}: line ${info.lines} needs a key and at least one username`)
    table.set(key, [...new Set([...(table.get(key) ?? []), ...usernames])])
  }
  const get = (kind: MappingKind, value: string | undefined) => (value && (!only || only === kind) ? table.get(value) : undefined)
  return {
    size: table.size,
    lookup: (r) => get('recordID', r.recordId) ?? get('meetingID', r.meetingId) ?? get('bbb-context-label', r.contextLabel),
  }
}

export function readOwnerMapping(file: string): OwnerMapping {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`OWNER_MAPPING_FILE ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: error })
  }
  return parseOwnerMapping(text, file)
}
