import { parseMoodleMeetingId } from './meeting-id.ts'
import { moderatorsOf, neededRoles, parseParticipants, type ModeratorReason } from './moderator-rules.ts'
import type { MoodleRepository } from './moodle-repository.ts'

export interface RecordingToResolve {
  recordId: string
  meetingId: string
  /** With lowercased keys (see OwnersRepository.recordingsOf). */
  metadata: Record<string, string>
}

interface FoundOwner {
  username: string
  email: string | null
  displayName: string
  reason: ModeratorReason
  suspended: boolean
}

export interface MoodleResolution {
  /** How the activity was found: its recordings row, the meetingID, or course + name. */
  match: 'moodle:recordings' | 'moodle:meetingid' | 'moodle:context'
  activityId: number
  courseId: number
  owners: FoundOwner[]
}

const n = (v: unknown) => Number(v)
const meta = (r: RecordingToResolve, key: string): string | undefined => r.metadata[key]

/** Moodle cuts the name sent to BBB at 64 characters and appends "..."; groups add " (group)". */
function sameActivityName(activityName: string, recordingName: string): boolean {
  const a = activityName.trim(), r = recordingName.trim()
  if (a === r || r.startsWith(`${a} (`)) return true
  return r.endsWith('...') && r.length > 3 && a.startsWith(r.slice(0, -3))
}

/** An activity for each recording, as Pod looks it up: its recordings table, then the meetingID, then course id and name. */
async function findActivities(repo: MoodleRepository, recordings: RecordingToResolve[]) {
  const found = new Map<string, { match: MoodleResolution['match']; activityId: number; courseId: number }>()
  for (const row of await repo.recordingRows(recordings.map((r) => r.recordId))) {
    if (!found.has(row.recordingid)) found.set(row.recordingid, { match: 'moodle:recordings', activityId: n(row.bigbluebuttonbnid), courseId: n(row.courseid) })
  }
  const parsed = recordings.filter((r) => !found.has(r.recordId)).map((r) => ({ r, id: parseMoodleMeetingId(r.meetingId) ?? parseMoodleMeetingId(meta(r, 'meetingid') ?? '') }))
  const bySeed = new Map<string, Array<{ id: number; course: number }>>()
  for (const row of await repo.activitiesBySeed([...new Set(parsed.flatMap(({ id }) => (id ? [id.seed] : [])))])) {
    bySeed.set(row.meetingid, [...(bySeed.get(row.meetingid) ?? []), { id: n(row.id), course: n(row.course) }])
  }
  for (const { r, id } of parsed) {
    const candidates = id ? bySeed.get(id.seed) ?? [] : []
    // The activity itself, else a restored copy in the same course (same seed), else any copy.
    const pick = candidates.find((c) => c.id === id!.instanceId && c.course === id!.courseId)
      ?? candidates.find((c) => c.course === id!.courseId) ?? candidates[0]
    if (pick) found.set(r.recordId, { match: 'moodle:meetingid', activityId: pick.id, courseId: pick.course })
  }
  const rest = recordings.filter((r) => !found.has(r.recordId) && /^\d+$/.test(meta(r, 'bbb-context-id') ?? '') && meta(r, 'bbb-recording-name'))
  if (rest.length) {
    const byCourse = new Map<number, Array<{ id: number; name: string }>>()
    for (const row of await repo.activitiesByCourse([...new Set(rest.map((r) => Number(meta(r, 'bbb-context-id'))))])) {
      byCourse.set(n(row.course), [...(byCourse.get(n(row.course)) ?? []), { id: n(row.id), name: row.name }])
    }
    for (const r of rest) {
      const course = Number(meta(r, 'bbb-context-id'))
      const pick = (byCourse.get(course) ?? []).find((a) => sameActivityName(a.name, meta(r, 'bbb-recording-name')!))
      if (pick) found.set(r.recordId, { match: 'moodle:context', activityId: pick.id, courseId: course })
    }
  }
  return found
}

const pathIds = (path: string | null) => (path ?? '').split('/').filter(Boolean).map(Number)

/** The moderators of each activity, with all of a batch's lookups done in a few queries. */
async function moderatorsByActivity(repo: MoodleRepository, activityIds: number[]): Promise<Map<number, FoundOwner[]>> {
  const [activities, roleRows, defaultSetting] = await Promise.all([repo.activities(activityIds), repo.roles(), repo.moderatorDefault()])
  const roles = new Map(roleRows.map((r) => [n(r.id), r.shortname]))
  const coursePaths = new Map((await repo.courseContextPaths([...new Set(activities.filter((a) => !a.path).map((a) => a.course))])).map((c) => [n(c.instanceid),
    c.path]))
  const plans = activities.map((a) => {
    const rules = parseParticipants(a.participants)
    return { ...a, rules, contexts: pathIds(a.path ?? coursePaths.get(a.course) ?? null), ...neededRoles(rules, defaultSetting, roles) }
  })
  const roleIds = [...new Set(plans.flatMap((p) => p.roleIds))]
  const contextsFor = (filter: (p: (typeof plans)[number]) => boolean) => [...new Set(plans.filter(filter).flatMap((p) => p.contexts))]
  const [someRoles, anyRole] = await Promise.all([
    roleIds.length ? repo.assignments(contextsFor((p) => p.roleIds.length > 0), roleIds) : [],
    repo.assignments(contextsFor((p) => p.anyRole), null),
  ])
  const byContext = new Map<number, Array<{ userId: number; roleId: number }>>()
  for (const a of [...someRoles, ...anyRole]) byContext.set(n(a.contextid), [...(byContext.get(n(a.contextid)) ?? []), { userId: n(a.userid),
    roleId: n(a.roleid) }])
  // The owner counts only with the default rules, and only while enrolled in the course.
  const usingDefaults = plans.filter((p) => !p.rules)
  const addLogs = new Map<number, number>()
  for (const log of await repo.addLogs(usingDefaults.map((p) => p.id))) if (!addLogs.has(n(log.bigbluebuttonbnid))) addLogs.set(n(log.bigbluebuttonbnid),
    n(log.userid))
  const enrolled = new Set((await repo.enrolments([...new Set(addLogs.values())], [...new Set(usingDefaults.map((p) => p.course))])).map((e) => `${n(e.userid)}:${n(e.courseid)}`))

  const reasons = new Map<number, Map<number, ModeratorReason>>()
  for (const p of plans) {
    const owner = addLogs.get(p.id)
    reasons.set(p.id, moderatorsOf({
      rules: p.rules, defaultSetting, roles, assignments: p.contexts.flatMap((c) => byContext.get(c) ?? []),
      owner: owner && enrolled.has(`${owner}:${p.course}`) ? owner : undefined,
    }))
  }
  const users = new Map((await repo.users([...new Set([...reasons.values()].flatMap((m) => [...m.keys()]))])).map((u) => [n(u.id), u]))
  const out = new Map<number, FoundOwner[]>()
  for (const [activityId, moderators] of reasons) {
    out.set(activityId, [...moderators].flatMap(([userId, reason]) => {
      const u = users.get(userId)
      if (!u || n(u.deleted) || !u.username) return []
      return [{ username: u.username.toLowerCase(), email: u.email || null, displayName: `${u.firstname} ${u.lastname}`.trim() || u.username, reason, suspended: !!n(u.suspended) }]
    }))
  }
  return out
}

/**
 * Finds the Moodle activity of each recording and its moderators. Recordings whose activity is
 * not found are absent from the result (the next resolver gets them).
 */
export async function resolveMoodleOwners(repo: MoodleRepository, recordings: RecordingToResolve[]): Promise<Map<string, MoodleResolution>> {
  const activities = await findActivities(repo, recordings)
  const moderators = await moderatorsByActivity(repo, [...new Set([...activities.values()].map((a) => a.activityId))])
  const out = new Map<string, MoodleResolution>()
  for (const [recordId, a] of activities) out.set(recordId, { ...a, owners: moderators.get(a.activityId) ?? [] })
  return out
}
