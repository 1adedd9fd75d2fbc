import type { SourceConfig } from '../config.ts'
import { daysUntil } from '../dates.ts'
import { conflict, HttpProblem, notFound, unavailable } from '../errors.ts'
import type { ImportsRepository } from '../jobs/imports-repository.ts'
import { requestImport } from '../jobs/request-import.ts'
import { applyMoodleNotice, revertMoodleNotice, type NoticeDeps } from '../owners/moodle-notice.ts'
import { podCsvColumns, podCsvRow } from '../sync/csv-export.ts'
import type { SyncRunsRepository } from '../sync/sync-runs-repository.ts'
import type { SyncService } from '../sync/sync-service.ts'
import { settledStates } from '../db/settlement-sql.ts'
import type { AdminRepository } from './admin-repository.ts'
import type { UsersRepository } from '../owners/users-repository.ts'

const settlements = ['imported', 'inProgress', 'awaiting', 'declined', 'orphaned', 'failed', 'missing', 'abandoned'] as const
const settled = new Set<string>(settledStates)
const normalize = (usernames: string[]) => [...new Set(usernames.map((u) => u.trim().toLowerCase()).filter(Boolean))]

export interface AdminServiceDeps {
  repo: AdminRepository
  users: Pick<UsersRepository, 'upsertUsers'>
  imports: ImportsRepository
  sources: SourceConfig[]
  /** Where the deadline's days are counted (TIMEZONE). */
  timeZone: string
  enqueue?: (importId: number) => Promise<void>
  syncRuns?: Pick<SyncRunsRepository, 'list'>
  /** The sync and the Moodle notice, when this process runs them (serve and demo do). */
  syncService?: Pick<SyncService, 'syncSource'>
  notice?: NoticeDeps
}

/** What admins do; every change is written to the audit log with who, before and after. */
export function createAdminService({ repo, users, imports, sources, timeZone, enqueue, syncRuns, syncService, notice }: AdminServiceDeps) {
  const sourceOf = (name: string) => {
    const source = sources.find((s) => s.name === name)
    if (!source) throw notFound(`No source named "${name}".`)
    return source
  }
  const recording = async (id: number) => {
    const row = Number.isSafeInteger(id) ? await repo.recording(id) : undefined
    if (!row) throw notFound('No such recording.')
    return row
  }
  const userIds = async (usernames: string[]) => {
    const names = normalize(usernames)
    if (!names.length) throw new HttpProblem(400, 'Bad Request', 'Give at least one username.')
    // An unknown username becomes a user: they will see the recording at their first login.
    const ids = await users.upsertUsers(names.map((username) => ({ username, email: null, displayName: null })), 'admin')
    return names.map((n) => ids.get(n)!)
  }
  const queueImport = async (recordingId: number, userId: number) => (await requestImport({ imports, enqueue }, recordingId, userId)).import

  return {
    noticeAvailable: notice !== undefined,

    /** A sync of the source: a dry run shows what would change; a real one is audited. */
    async sync(actor: string, name: string, dry: boolean) {
      const source = sourceOf(name)
      if (!syncService) throw unavailable('This process does not run syncs.')
      const summary = await syncService.syncSource(source, { dry })
      if (!dry) await repo.audit({ actor, action: 'source.sync', targetType: 'source', targetId: name, after: { runId: summary.runId, status: summary.status, counts: summary.counts } })
      return summary
    },

    /** The Moodle notice of the source: what it would change (preview), apply, or revert; audited. */
    async moodleNotice(actor: string, name: string, action: 'preview' | 'apply' | 'revert') {
      const source = sourceOf(name)
      if (!notice) throw unavailable('No Moodle database is configured (MOODLE_DB_URL, or moodles: in the config file).')
      const changes = action === 'revert' ? await revertMoodleNotice(notice, source) : await applyMoodleNotice(notice, source, { dry: action === 'preview' })
      const changed = changes.filter((c) => c.action !== 'skip').length
      if (action !== 'preview') await repo.audit({ actor, action: `moodle-notice.${action}`, targetType: 'source', targetId: name, after: { changed } })
      return { changes, changed }
    },

    recentSyncRuns: async (name: string, limit: number) => (syncRuns ? (await syncRuns.list({ source: name, limit, offset: 0 })).rows : []),
    orphans: repo.orphans,

    /** One source's dashboard: counts, media hours, the queue, an ETA, and the verdict. */
    async dashboard(name: string, now = new Date()) {
      const source = sourceOf(name)
      const [rows, activity, retired, orphans, deadlineRun] = await Promise.all([
        repo.settlement(name), repo.importActivity(name, new Date(now.getTime() - 86_400_000)), repo.retired(name), repo.countOrphans({ source: name }),
        repo.deadlineRun(name),
      ])
      const counts = Object.fromEntries(settlements.map((s) => [s, rows.find((r) => r.settlement === s)?.count ?? 0])) as Record<(typeof settlements)[number],
        number>
      const total = rows.reduce((n, r) => n + r.count, 0)
      const seconds = rows.reduce((n, r) => n + r.seconds, 0)
      const openSeconds = rows.filter((r) => !settled.has(r.settlement)).reduce((n, r) => n + r.seconds, 0)
      const deadline = source.shutdownAt ?? null
      return {
        source: name,
        counts: { total, ...counts },
        // Every orphan, whatever its status; counts.orphaned holds those still waiting for an owner.
        orphans,
        mediaHours: { total: Math.round(seconds / 36) / 100, unsettled: Math.round(openSeconds / 36) / 100 },
        queue: activity.open,
        importsPerDay: activity.doneSince,
        etaHours: activity.open === 0 ? 0 : activity.doneSince ? Math.round((activity.open / (activity.doneSince / 24)) * 10) / 10 : null,
        deadline: deadline?.toISOString() ?? null,
        daysLeft: deadline ? daysUntil(deadline, now, timeZone) : null,
        retiredAt: retired?.retired_at.toISOString() ?? null,
        /** What the shutdown date does to what still waits, and when it did it. */
        atDeadline: source.atDeadline,
        deadlineAppliedAt: deadlineRun?.applied_at?.toISOString() ?? null,
        // True only when every recording the source listed is imported, declined or abandoned.
        safeToShutDown: rows.every((r) => settled.has(r.settlement)),
      }
    },

    async assignOwners(actor: string, recordingId: number, usernames: string[]) {
      await recording(recordingId)
      const before = await repo.ownerNames(recordingId)
      await repo.assign([recordingId], await userIds(usernames), actor)
      const after = await repo.ownerNames(recordingId)
      await repo.audit({ actor, action: 'owners.assign', targetType: 'recording', targetId: String(recordingId), before, after })
      return after
    },

    async unassignOwner(actor: string, recordingId: number, username: string) {
      await recording(recordingId)
      const before = await repo.ownerNames(recordingId)
      const owner = before.find((o) => o.username === username.toLowerCase())
      if (!owner) throw notFound(`"${username}" is not an owner of this recording.`)
      await repo.unassign(recordingId, owner.userId)
      const after = await repo.ownerNames(recordingId)
      await repo.audit({ actor, action: 'owners.unassign', targetType: 'recording', targetId: String(recordingId), before, after })
      return after
    },

    /**
     * Every orphan matching the filter gets these owners (e.g. course label X → user Y); without a
     * status, those still to settle: an imported, declined or abandoned one is left as it is.
     */
    async assignOrphans(actor: string, filter: Parameters<AdminRepository['orphanIds']>[0], usernames: string[]) {
      const ids = await repo.orphanIds({ ...filter, status: filter.status ?? 'unsettled' })
      await repo.assign(ids, await userIds(usernames), actor)
      await repo.audit({ actor, action: 'orphans.assign', targetType: 'orphans', targetId: JSON.stringify(filter), after: { recordings: ids.length, usernames: normalize(usernames) } })
      return { assigned: ids.length }
    },

    async abandon(actor: string, recordingId: number, reason: string) {
      const before = await recording(recordingId)
      await repo.setAbandoned(recordingId, { reason, by: actor })
      await repo.audit({ actor, action: 'recording.abandon', targetType: 'recording', targetId: String(recordingId), before: { abandonedAt: before.abandoned_at }, after: { reason } })
    },

    async unabandon(actor: string, recordingId: number) {
      const before = await recording(recordingId)
      await repo.setAbandoned(recordingId, null)
      await repo.audit({ actor, action: 'recording.unabandon', targetType: 'recording', targetId: String(recordingId), before: { reason: before.abandoned_reason } })
    },

    /** An import on behalf of the recording's owner (its first one). */
    async forceImport(actor: string, recordingId: number) {
      await recording(recordingId)
      const owner = (await repo.ownerNames(recordingId))[0]
      if (!owner) throw conflict('This recording has no owner: assign one first.', 'no-owner')
      const row = await queueImport(recordingId, owner.userId)
      await repo.audit({ actor, action: 'import.force', targetType: 'recording', targetId: String(recordingId), after: { importId: row.id, for: owner.username } })
      return row
    },

    /** A failed import asked again, for the same teacher. */
    async retryImport(actor: string, importId: number) {
      const failed = await imports.get(importId)
      if (!failed) throw notFound('No such import.')
      if (failed.state !== 'failed') throw conflict(`Only a failed import is retried (this one is ${failed.state}).`, 'not-failed')
      const row = await queueImport(failed.recording_id, failed.requested_by)
      await repo.audit({ actor, action: 'import.retry', targetType: 'import', targetId: String(importId), before: { error: failed.error }, after: { importId: row.id } })
      return row
    },

    async retryAllFailed(actor: string) {
      let retried = 0
      for (const failed of await repo.failedImports(10_000, 0)) {
        await queueImport(failed.recording_id, failed.requested_by)
        retried++
      }
      await repo.audit({ actor, action: 'import.retry-all', targetType: 'imports', targetId: 'failed', after: { retried } })
      return { retried }
    },

    async cancelImport(actor: string, importId: number) {
      const row = await imports.get(importId)
      if (!row) throw notFound('No such import.')
      const cancelled = await imports.cancel(importId)
      if (!cancelled) throw conflict(`This import has already ended (${row.state}).`, 'import-ended')
      await repo.audit({ actor, action: 'import.cancel', targetType: 'import', targetId: String(importId), before: { state: row.state }, after: { state: 'cancelled' } })
      return cancelled
    },

    /** Per source: Pod's CSV columns, then recordID, owners, where it stands, the import, the Pod link. */
    async report(name: string) {
      const source = sourceOf(name)
      const rows = await repo.reportRows(name)
      return rows.map((r) => {
        const pod = podCsvRow({ meetingName: r.meeting_name, metadata: r.metadata, startTime: new Date(r.start_time), published: r.published, state: r.state,
          formats: r.formats }, source.playback23)
        return {
          ...Object.fromEntries(podCsvColumns.slice(0, -1).map((column, i) => [column, pod[i]!])),
          Moodle_owners: r.owners ?? '',
          record_id: r.record_id,
          status: r.settlement,
          orphan: r.orphan ? 'yes' : 'no',
          // The campaign's e-mails cannot reach them: the admin tells them another way.
          owners_without_email: r.owners_without_email ?? '',
          import_state: r.import_state ?? '',
          pod_video_url: r.pod_video_url ?? '',
          abandoned_reason: r.abandoned_reason ?? '',
          missing_since: r.missing_since ? new Date(r.missing_since).toISOString() : '',
        }
      })
    },

    /** Everything about one recording for the console: owners and import history. */
    async recordingDetail(id: number) {
      const row = await recording(id)
      const [owners, history] = await Promise.all([repo.ownerNames(id), repo.importsOf(id)])
      return { recording: row, owners, history }
    },

    failedImports: (limit: number, offset: number) => repo.failedImports(limit, offset),
    auditLog: repo.auditLog,
    auditActions: repo.auditActions,

    /** After the shutdown: the source's recordings not imported leave teachers' lists; nothing is deleted. */
    async decommission(actor: string, name: string, undo = false) {
      sourceOf(name)
      const before = await repo.retired(name)
      if (undo) await repo.unretire(name)
      else await repo.retire(name, actor)
      await repo.audit({ actor, action: undo ? 'source.restore' : 'source.decommission', targetType: 'source', targetId: name, before: { retiredAt: before?.retired_at ?? null } })
    },
  }
}
export type AdminService = ReturnType<typeof createAdminService>
