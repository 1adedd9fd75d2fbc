import type { AppConfig, SourceConfig } from '../config.ts'
import type { OwnerReason, OwnersTally } from '../db/schema.ts'
import type { GreenlightResolver } from '../greenlight/greenlight-resolver.ts'
import type { PodOwnerResolver } from '../pod/pod-owner-resolver.ts'
import { resolveMoodleOwners, type RecordingToResolve } from '../moodle/moodle-resolver.ts'
import type { MoodleRepository } from '../moodle/moodle-repository.ts'
import type { OwnerMapping } from './mapping-file.ts'
import type { OwnerRow, OwnersRepository, RecordingOwnership } from './owners-repository.ts'
import type { Logger } from '../log.ts'
import type { UserInput, UsersRepository } from './users-repository.ts'

export interface OwnerSources {
  /** The Moodle database for a `bbb-origin-server-name`, if one is configured. */
  moodleFor(serverName: string): { name: string; repo: MoodleRepository } | undefined
  greenlight?: GreenlightResolver
  pod?: PodOwnerResolver
  mapping?: OwnerMapping
}

interface Candidate extends UserInput {
  reason: OwnerReason
  suspended: boolean
}

interface Decision {
  match: string
  owners: Candidate[]
  moodleActivityId?: number
  moodleCourseId?: number
}

type Recording = RecordingToResolve & { rowId: number }

/** What one resolver found: decisions, and recordings it could not look up (left as they were). */
interface Found {
  decisions: Map<string, Decision>
  failed: Recording[]
  error?: string
}

const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v))
// Metadata keys are lowercased (recordingsOf): Moodle writes `bbb-origin`, old plugins `bn-origin`.
const originOf = (r: RecordingToResolve) => (r.metadata['bbb-origin'] ?? r.metadata['bn-origin'] ?? '').trim().toLowerCase()
const serverOf = (r: RecordingToResolve) => (r.metadata['bbb-origin-server-name'] ?? '').trim()
const lowerKeys = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k.toLowerCase(), v]))

async function fromMoodle(sources: OwnerSources, list: Recording[]): Promise<Found[]> {
  const byDb = new Map<string, { repo: MoodleRepository; list: Recording[] }>()
  for (const r of list) {
    const moodle = sources.moodleFor(serverOf(r))
    if (!moodle) continue
    const entry = byDb.get(moodle.name) ?? { repo: moodle.repo, list: [] }
    entry.list.push(r)
    byDb.set(moodle.name, entry)
  }
  return Promise.all([...byDb].map(async ([name, { repo, list: mine }]) => {
    try {
      const decisions = new Map<string, Decision>()
      for (const [recordId, f] of await resolveMoodleOwners(repo, mine)) decisions.set(recordId, { match: f.match, owners: f.owners,
        moodleActivityId: f.activityId, moodleCourseId: f.courseId })
      return { decisions, failed: [] }
    } catch (error) {
      return { decisions: new Map(), failed: mine, error: `Moodle ${name}: ${(error as Error).message}` }
    }
  }))
}

/** Greenlight rooms and Pod meetings: a recording's meetingID names the room or meeting it was made in. */
async function byMeetingId(resolver: { ownersByMeetingId(ids: string[]): Promise<Map<string, Array<UserInput & { reason: OwnerReason }>>> }, match: string,
  label: string, list: Recording[]): Promise<Found> {
  try {
    const found = await resolver.ownersByMeetingId([...new Set(list.map((r) => r.meetingId))])
    const decisions = new Map<string, Decision>()
    for (const r of list) {
      const owners = found.get(r.meetingId)
      if (owners?.length) decisions.set(r.recordId, { match, owners: owners.map((o) => ({ ...o, suspended: false })) })
    }
    return { decisions, failed: [] }
  } catch (error) {
    return { decisions: new Map(), failed: list, error: `${label}: ${(error as Error).message}` }
  }
}

function fromMapping(mapping: OwnerMapping, list: Recording[]): Found {
  const decisions = new Map<string, Decision>()
  for (const r of list) {
    const usernames = mapping.lookup({ recordId: r.recordId, meetingId: r.meetingId, contextLabel: r.metadata['bbb-context-label'] })
    if (usernames) decisions.set(r.recordId, { match: 'mapping', owners: usernames.map((username) => ({ username, email: null, displayName: null, reason: 'mapping', suspended: false })) })
  }
  return { decisions, failed: [] }
}

/**
 * Who owns each recording of a source: Pod for meetings made in Pod's "Réunions", Moodle for
 * Moodle-made recordings, Greenlight for Greenlight rooms, then the admin's mapping file; the rest are orphans (given to FALLBACK_OWNER
 * if set, still flagged). A resolver that fails leaves its recordings' owners as they were.
 */
export function createOwnerService(deps: { repo: OwnersRepository; users: Pick<UsersRepository, 'upsertUsers'>; config: AppConfig['owners']; sources: OwnerSources; log: Logger }) {
  const { repo, config, sources } = deps

  /**
   * Writes only what changed: a re-sync of an unchanged server touches nothing. The owner rows
   * and how each recording's owners were found go to two tables, side by side, on two pooled
   * connections, so that PostgreSQL works on both cores.
   */
  async function write(source: string, stored: Awaited<ReturnType<OwnersRepository['recordingsOf']>>, ownership: RecordingOwnership[], wanted: Array<{ rowId: number; owner: Candidate }>, now: Date) {
    const before = new Map(stored.map((r) => [r.id, r]))
    const changed = ownership.filter((o) => {
      const was = before.get(o.id)!
      return was.owner_match !== o.ownerMatch || was.orphaned !== o.orphaned
        || numOrNull(was.moodle_activity_id) !== o.moodleActivityId || numOrNull(was.moodle_course_id) !== o.moodleCourseId
    })
    const results = await Promise.allSettled([writeOwners(source, ownership, wanted), repo.setOwnership(changed, now)])
    for (const r of results) if (r.status === 'rejected') throw r.reason
  }

  async function writeOwners(source: string, ownership: RecordingOwnership[], wanted: Array<{ rowId: number; owner: Candidate }>) {
    const users = new Map<string, UserInput>()
    for (const { owner } of wanted) if (!users.has(owner.username) || owner.email) users.set(owner.username, owner)
    const ids = await deps.users.upsertUsers([...users.values()].map(({ username, email, displayName }) => ({ username, email, displayName })), 'sync')
    const target = new Map<string, OwnerRow>()
    for (const { rowId, owner } of wanted) {
      const row: OwnerRow = { recordingId: rowId, userId: ids.get(owner.username)!, reason: owner.reason, suspended: owner.suspended }
      if (!target.has(`${row.recordingId}:${row.userId}`)) target.set(`${row.recordingId}:${row.userId}`, row)
    }
    const settled = new Set(ownership.map((o) => o.id))
    const current = new Map((await repo.resolvedOwnersOf(source)).filter((o) => settled.has(o.recording_id)).map((o) => [`${o.recording_id}:${o.user_id}`, o]))
    await repo.removeOwners([...current.values()].filter((o) => !target.has(`${o.recording_id}:${o.user_id}`)).map((o) => ({ recordingId: o.recording_id, userId: o.user_id })))
    await repo.putOwners([...target].filter(([key, row]) => {
      const was = current.get(key)
      return !was || was.reason !== row.reason || was.suspended !== row.suspended
    }).map(([, row]) => row))
  }

  /**
   * `listed`: in a dry run, the recordings the listing found (nothing was stored), so that a
   * first dry run shows owners too.
   */
  async function resolveSource(source: SourceConfig,
    options: { dry?: boolean; now?: Date; listed?: RecordingToResolve[] } = {}): Promise<{ tally: OwnersTally; byRecordId: Map<string, Candidate[]> }> {
    const stored = await repo.recordingsOf(source.name)
    const recordings: Recording[] = stored.map((r) => ({ rowId: r.id, recordId: r.record_id, meetingId: r.meeting_id, metadata: r.metadata }))
    if (options.dry && options.listed) {
      const known = new Set(recordings.map((r) => r.recordId))
      for (const r of options.listed) if (!known.has(r.recordId)) recordings.push({ rowId: -1, recordId: r.recordId, meetingId: r.meetingId,
        metadata: lowerKeys(r.metadata) })
    }

    const decisions = new Map<string, Decision>()
    const failed = new Set<string>()
    const errors: string[] = []
    const ignored = new Set(source.ignoredServers.map((s) => s.toLowerCase()))
    // Ignored origin servers (Pod's IGNORED_SERVERS) are never looked up in their own databases.
    const madeBy = (r: Recording, origin: string) => originOf(r) === origin && !ignored.has(serverOf(r).toLowerCase())
    for (const resolver of source.resolvers ?? config.resolvers) {
      const pending = recordings.filter((r) => !decisions.has(r.recordId) && !failed.has(r.recordId))
      const found = resolver === 'moodle' ? await fromMoodle(sources, pending.filter((r) => madeBy(r, 'moodle')))
        : resolver === 'greenlight' && sources.greenlight ? [await byMeetingId(sources.greenlight, 'greenlight', 'Greenlight', pending.filter((r) => madeBy(r, 'greenlight')))]
          : resolver === 'pod' && sources.pod ? [await byMeetingId(sources.pod, 'pod', 'Pod', pending)]
            : resolver === 'mapping' && sources.mapping ? [fromMapping(sources.mapping, pending)]
              : []
      for (const f of found) {
        for (const [recordId, d] of f.decisions) decisions.set(recordId, d)
        for (const r of f.failed) failed.add(r.recordId)
        if (f.error) errors.push(f.error)
      }
    }

    const tally: OwnersTally = { checked: recordings.length, resolved: 0, orphaned: 0, unresolved: failed.size, byMatch: {}, errors }
    const ownership: RecordingOwnership[] = []
    const wanted: Array<{ rowId: number; owner: Candidate }> = []
    const byRecordId = new Map<string, Candidate[]>()
    for (const r of recordings.filter((r) => !failed.has(r.recordId))) {
      const d = decisions.get(r.recordId)
      const orphaned = !d?.owners.length
      const match = d?.match ?? 'none'
      tally.byMatch![match] = (tally.byMatch![match] ?? 0) + 1
      if (orphaned) tally.orphaned!++
      else tally.resolved!++
      ownership.push({ id: r.rowId, ownerMatch: match, orphaned, moodleActivityId: d?.moodleActivityId ?? null, moodleCourseId: d?.moodleCourseId ?? null })
      const given: Candidate[] = orphaned ? (config.fallbackOwner ? [{ username: config.fallbackOwner, email: null, displayName: null, reason: 'fallback', suspended: false }] : []) : d!.owners
      for (const owner of given) wanted.push({ rowId: r.rowId, owner })
      byRecordId.set(r.recordId, given)
    }
    if (errors.length) deps.log.warn(`owners of ${failed.size} recording(s) left as they were: ${errors.join('; ')}`)
    if (!options.dry) await write(source.name, stored, ownership, wanted, options.now ?? new Date())
    return { tally, byRecordId }
  }

  return { resolveSource }
}
export type OwnerService = ReturnType<typeof createOwnerService>
