import { sql } from 'kysely'
import { inChunks } from '../db/query-helpers.ts'
import { isMissingTable, type MoodleDb } from './moodle-db.ts'

/** The SQL the owner resolution needs from a Moodle database; every query takes a whole batch. */
export function moodleRepository(m: MoodleDb) {
  const t = m.table
  const rows = async <R>(query: ReturnType<typeof sql<R>>) => (await query.execute(m.db)).rows as R[]
  const ids = (values: Array<number | string>) => sql.join(values.map((v) => sql`${v}`))
  const num = (v: unknown) => Number(v)

  return {
    /** recordings rows by BBB recordID, the original (`imported = 0`) first. Absent before Moodle 4.0. */
    async recordingRows(recordIds: string[]) {
      try {
        return await inChunks(recordIds, (chunk) => rows<{ recordingid: string; bigbluebuttonbnid: number; courseid: number }>(
          sql`SELECT recordingid, bigbluebuttonbnid, courseid FROM ${t('bigbluebuttonbn_recordings')} WHERE recordingid IN (${ids(chunk)}) ORDER BY imported, id`))
      } catch (error) {
        if (isMissingTable(error)) return []
        throw error
      }
    },
    activitiesBySeed: (seeds: string[]) => inChunks(seeds, (chunk) => rows<{ id: number; course: number; meetingid: string }>(
      sql`SELECT id, course, meetingid FROM ${t('bigbluebuttonbn')} WHERE meetingid IN (${ids(chunk)}) ORDER BY id`)),
    activitiesByCourse: (courseIds: number[]) => inChunks(courseIds, (chunk) => rows<{ id: number; course: number; name: string }>(
      sql`SELECT id, course, name FROM ${t('bigbluebuttonbn')} WHERE course IN (${ids(chunk)}) ORDER BY id`)),
    /** Activities with their module context path (null when the course module is gone). */
    async activities(activityIds: number[]) {
      const found = await inChunks(activityIds, (chunk) => rows<{ id: number; course: number; participants: string | null; path: string | null }>(sql`
        SELECT b.id, b.course, b.participants, ctx.path
          FROM ${t('bigbluebuttonbn')} b
          LEFT JOIN ${t('modules')} mo ON mo.name = 'bigbluebuttonbn'
          LEFT JOIN ${t('course_modules')} cm ON cm.module = mo.id AND cm.instance = b.id
          LEFT JOIN ${t('context')} ctx ON ctx.contextlevel = 70 AND ctx.instanceid = cm.id
         WHERE b.id IN (${ids(chunk)})`))
      return found.map((r) => ({ ...r, id: num(r.id), course: num(r.course) }))
    },
    courseContextPaths: (courseIds: number[]) => inChunks(courseIds, (chunk) => rows<{ instanceid: number; path: string }>(
      sql`SELECT instanceid, path FROM ${t('context')} WHERE contextlevel = 50 AND instanceid IN (${ids(chunk)})`)),
    roles: () => rows<{ id: number; shortname: string }>(sql`SELECT id, shortname FROM ${t('role')}`),
    async moderatorDefault(): Promise<string> {
      const [row] = await rows<{ value: string }>(sql`SELECT value FROM ${t('config')} WHERE name = 'bigbluebuttonbn_participant_moderator_default'`)
      return row?.value ?? '0'
    },
    /** Role assignments in these contexts, of these roles (or of any role when `roleIds` is null). */
    assignments: (contextIds: number[], roleIds: number[] | null) => inChunks(contextIds,
      (chunk) => rows<{ contextid: number; roleid: number; userid: number }>(
        roleIds
          ? sql`SELECT contextid, roleid, userid FROM ${t('role_assignments')} WHERE contextid IN (${ids(chunk)}) AND roleid IN (${ids(roleIds)})`
          : sql`SELECT contextid, roleid, userid FROM ${t('role_assignments')} WHERE contextid IN (${ids(chunk)})`)),
    addLogs: (activityIds: number[]) => inChunks(activityIds, (chunk) => rows<{ bigbluebuttonbnid: number; userid: number }>(
      sql`SELECT bigbluebuttonbnid, userid FROM ${t('bigbluebuttonbn_logs')} WHERE log = 'Add' AND bigbluebuttonbnid IN (${ids(chunk)}) ORDER BY id`)),
    enrolments: (userIds: number[], courseIds: number[]) => inChunks(userIds, (chunk) => rows<{ userid: number; courseid: number }>(sql`
      SELECT ue.userid, e.courseid FROM ${t('user_enrolments')} ue JOIN ${t('enrol')} e ON e.id = ue.enrolid
       WHERE ue.userid IN (${ids(chunk)}) AND e.courseid IN (${ids(courseIds.length ? courseIds : [0])})`)),
    intros: (activityIds: number[]) => inChunks(activityIds, (chunk) => rows<{ id: number; intro: string | null }>(
      sql`SELECT id, intro FROM ${t('bigbluebuttonbn')} WHERE id IN (${ids(chunk)})`)),
    /** Writes an intro only if it is still what we read (a teacher may be editing it). */
    async setIntro(activityId: number, expected: string | null, intro: string | null): Promise<boolean> {
      const result = await sql`UPDATE ${t('bigbluebuttonbn')} SET intro = ${intro}, timemodified = ${Math.floor(Date.now() / 1000)}
        WHERE id = ${activityId} AND ${expected === null ? sql`intro IS NULL` : sql`intro = ${expected}`}`.execute(m.db)
      return Number(result.numAffectedRows ?? 0) > 0
    },
    users: (userIds: number[]) => inChunks(userIds,
      (chunk) => rows<{ id: number; username: string; email: string; firstname: string; lastname: string; deleted: number; suspended: number }>(
        sql`SELECT id, username, email, firstname, lastname, deleted, suspended FROM ${t('user')} WHERE id IN (${ids(chunk)})`)),
  }
}
export type MoodleRepository = ReturnType<typeof moodleRepository>
