/** What one sync run saw: counts, the recordIDs of each change, invalid recordings. */
export class SyncTally {
  static readonly MAX_LISTED = 1000

  readonly counts = { listed: 0, new: 0, updated: 0, unchanged: 0, missing: 0, invalid: 0 }
  /** recordIDs per kind of change, the first MAX_LISTED of each. */
  readonly changes: { new: string[]; updated: string[]; missing: string[] } = { new: [], updated: [], missing: [] }
  readonly invalid: Array<{ recordId: string | null; reason: string }> = []
  /** Invalid recordings are still on the server: they must not be marked missing. */
  readonly invalidIds = new Set<string>()
  /** Invalid recordings without even a recordID: the listing cannot be called complete. */
  unidentified = 0
  /** recordIDs listed, kept by a dry run only: it finds the missing ones by difference. */
  readonly seen = new Set<string>()

  note(kind: keyof SyncTally['changes'], recordId: string): void {
    if (this.changes[kind].length < SyncTally.MAX_LISTED) this.changes[kind].push(recordId)
  }

  reportInvalid(recordId: string | null, reason: string): void {
    this.counts.invalid++
    if (recordId) this.invalidIds.add(recordId)
    else this.unidentified++
    if (this.invalid.length < SyncTally.MAX_LISTED) this.invalid.push({ recordId, reason })
  }
}
