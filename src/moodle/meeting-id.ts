/** What Moodle puts in a BBB meetingID: `<seed>-<courseid>-<instanceid>[<groupid>]` (brackets from 4.0). */
export interface MoodleMeetingId {
  seed: string
  courseId: number
  instanceId: number
  groupId?: number
}

// Moodle's own parser: (?P<meetingid>[^-]*)-(?P<courseid>[^-]*)-(?P<instanceid>\d+)(\[(?P<groupid>\d*)\])?
const PATTERN = /^([^-]+)-(\d+)-(\d+)(?:\[(\d*)\])?$/

export function parseMoodleMeetingId(meetingId: string): MoodleMeetingId | undefined {
  const m = PATTERN.exec(meetingId.trim())
  if (!m) return undefined
  return { seed: m[1]!, courseId: Number(m[2]), instanceId: Number(m[3]), groupId: m[4] ? Number(m[4]) : undefined }
}
