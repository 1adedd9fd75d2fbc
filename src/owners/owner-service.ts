import type { AppConfig, SourceConfig } from '../config.ts'
import type { OwnersTally } from '../db/schema.ts'
import type { GreenlightResolver } from '../greenlight/greenlight-resolver.ts'
import { resolveMoodleOwners, type RecordingToResolve } from '../moodle/moodle-resolver.ts'
import type { MoodleRepository } from '../moodle/moodle-repository.ts'
import type { OwnerMapping } from './mapping-file.ts'
import type { OwnerRow, OwnersRepository, RecordingOwnership, UserInput } from './owners-repository.ts'
import type { OwnerReason } from '../db/schema.ts'

export interface OwnerSources {
  /** The Moodle database for a `bbb-origin-server-name`, if one is configured. */
  moodleFor(serverName: string): { name: string; repo: MoodleRepository } | undefined
  greenlight?: GreenlightResolver
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

/** Metadata keys are matched case-insensitively: Moodle writes `bbb-origin`, Greenlight sometimes `BBB-Origin`. */
export function metaValue(metadata: Record<string, string>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const hit = Object.entries(metadata).find(([k]) => k.toLowerCase() === key)
    if (hit) return hit[1]
  }
  return undefined
}

const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v))
const originOf = (m: Record<string, string>) => (metaValue(m, 'bbb-origin', 'bn-origin') ?? '').trim().toLowerCase()

/**
 * Who owns each recording of a source: Moodle for Moodle-made recordings, Greenlight for
 * Greenlight rooms, then the admin's mapping file; the rest are orphans (given to FALLBACK_OWNER
 * if set, still flagged). A resolver that fails leaves its recordings' owners as they were.
 */
export function createOwnerService(deps: { repo: OwnersRepository; config: AppConfig['owners']; sources: OwnerSources; log?: (message: string) => void }) {
  const { repo, config, sources } = deps

  /**
   * `listed`: in a dry run, the recordings the listing found (nothing was stored), so that a
   * first dry run shows owners too.
   */
  async function resolveSource(source: SourceConfig, options: { dry?: boolean; now?: Date; listed?: RecordingToResolve[] } = {}): Promise<{ tally: OwnersTally; byRecordId: Map<string, Candidate[]> }> {
    const resolvers = source.resolvers ?? config.resolvers
    const rows = await repo.recordingsOf(source.name)
    const recordings = rows.map((r) => ({ rowId: r.id, recordId: r.record_id, meetingId: r.meeting_id, metadata: r.metadata as Record<string, string> }))
    if (options.dry && options.listed) {
      const stored = new Set(recordings.map((r) => r.recordId))
      for (const r of options.listed) if (!stored.has(r.recordId)) recordings.push({ rowId: -1, ...r })
    }
    const decisions = new Map<string, Decision>()
    const unresolved = new Set<string>()
    const errors: string[] = []
    const ignored = new Set(source.ignoredServers.map((s) => s.toLowerCase()))
    const serverOf = (r: RecordingToResolve) => (metaValue(r.metadata, 'bbb-origin-server-name') ?? '').trim()

    for (const resolver of resolvers) {
      const pending = recordings.filter((r) => !decisions.has(r.recordId) && !unresolved.has(r.recordId))
      if (resolver === 'moodle') {
        const byDb = new Map<string, { repo: MoodleRepository; list: typeof pending }>()
        for (const r of pending) {
          if (originOf(r.metadata) !== 'moodle' || ignored.has(serverOf(r).toLowerCase())) continue
          const moodle = sources.moodleFor(serverOf(r))
          if (!moodle) continue
          const entry = byDb.get(moodle.name) ?? { repo: moodle.repo, list: [] }
          entry.list.push(r)
          byDb.set(moodle.name, entry)
        }
        for (const [name, { repo: moodle, list }] of byDb) {
          try {
            for (const [recordId, found] of await resolveMoodleOwners(moodle, list)) {
              decisions.set(recordId, { match: found.match, owners: found.owners.map((o) => ({ ...o })), moodleActivityId: found.activityId, moodleCourseId: found.courseId })
            }
          } catch (error) {
            errors.push(`Moodle ${name}: ${(error as Error).message}`)
            for (const r of list) unresolved.add(r.recordId)
          }
        }
      } else if (resolver === 'greenlight' && sources.greenlight) {
        const list = pending.filter((r) => originOf(r.metadata) === 'greenlight' && !ignored.has(serverOf(r).toLowerCase()))
        try {
          const found = await sources.greenlight.ownersByMeetingId([...new Set(list.map((r) => r.meetingId))])
          for (const r of list) {
            const owners = found.get(r.meetingId)
            if (owners?.length) decisions.set(r.recordId, { match: 'greenlight', owners: owners.map((o) => ({ ...o, suspended: false })) })
          }
        } catch (error) {
          errors.push(`Greenlight: ${(error as Error).message}`)
          for (const r of list) unresolved.add(r.recordId)
        }
      } else if (resolver === 'mapping' && sources.mapping) {
        for (const r of pending) {
          const usernames = sources.mapping.lookup({ recordId: r.recordId, meetingId: r.meetingId, contextLabel: metaValue(r.metadata, 'bbb-context-label') })
          if (usernames) decisions.set(r.recordId, { match: 'mapping', owners: usernames.map((username) => ({ username, email: null, displayName: null, reason: 'mapping', suspended: false })) })
        }
      }
    }

    const tally: OwnersTally = { checked: recordings.length, resolved: 0, orphaned: 0, unresolved: unresolved.size, byMatch: {}, errors }
    const settled = recordings.filter((r) => !unresolved.has(r.recordId))
    const ownership: RecordingOwnership[] = []
    const wanted: Array<{ rowId: number; owner: Candidate }> = []
    const byRecordId = new Map<string, Candidate[]>()
    for (const r of settled) {
      const d = decisions.get(r.recordId)
      const owners = d?.owners ?? []
      const orphaned = owners.length === 0
      const match = d ? d.match : 'none'
      tally.byMatch![match] = (tally.byMatch![match] ?? 0) + 1
      if (orphaned) tally.orphaned!++
      else tally.resolved!++
      ownership.push({ id: r.rowId, ownerMatch: match, orphaned, moodleActivityId: d?.moodleActivityId ?? null, moodleCourseId: d?.moodleCourseId ?? null })
      const given = orphaned && config.fallbackOwner ? [{ username: config.fallbackOwner, email: null, displayName: null, reason: 'fallback' as const, suspended: false }] : owners
      for (const owner of given) wanted.push({ rowId: r.rowId, owner })
      byRecordId.set(r.recordId, given)
    }
    if (errors.length) deps.log?.(`owners of ${unresolved.size} recording(s) left as they were: ${errors.join('; ')}`)
    if (options.dry) return { tally, byRecordId }

    // Write only what changed: a re-sync of an unchanged server touches nothing.
    const users = new Map<string, UserInput>()
    for (const { owner } of wanted) if (!users.has(owner.username) || owner.email) users.set(owner.username, { username: owner.username, email: owner.email, displayName: owner.displayName })
    const ids = await repo.upsertUsers([...users.values()], 'sync')
    const target = new Map<string, OwnerRow>()
    for (const { rowId, owner } of wanted) {
      const row: OwnerRow = { recordingId: rowId, userId: ids.get(owner.username)!, reason: owner.reason, suspended: owner.suspended }
      if (!target.has(`${row.recordingId}:${row.userId}`)) target.set(`${row.recordingId}:${row.userId}`, row)
    }
    const settledIds = new Set(settled.map((r) => r.rowId))
    const current = new Map((await repo.resolvedOwnersOf(source.name)).filter((o) => settledIds.has(o.recording_id)).map((o) => [`${o.recording_id}:${o.user_id}`, o]))
    await repo.removeOwners([...current.values()].filter((o) => !target.has(`${o.recording_id}:${o.user_id}`)).map((o) => ({ recordingId: o.recording_id, userId: o.user_id })))
    await repo.putOwners([...target.entries()].filter(([key, row]) => {
      const was = current.get(key)
      return !was || was.reason !== row.reason || was.suspended !== row.suspended
    }).map(([, row]) => row))
    const before = new Map(rows.map((r) => [r.id, r]))
    await repo.setOwnership(ownership.filter((o) => {
      const was = before.get(o.id)!
      return was.owner_match !== o.ownerMatch || was.orphaned !== o.orphaned || numOrNull(was.moodle_activity_id) !== o.moodleActivityId || numOrNull(was.moodle_course_id) !== o.moodleCourseId
    }), options.now ?? new Date())
    return { tally, byRecordId }
  }

  return { resolveSource }
}
export type OwnerService = ReturnType<typeof createOwnerService>
