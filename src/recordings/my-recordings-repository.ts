import { sql, type Expression, type SqlBool } from 'kysely'
import type { Database } from '../db/database.ts'
import { containsPattern } from '../db/query-helpers.ts'
import { latestImportOf } from '../db/settlement-sql.ts'

/** What a teacher sees of a recording: derived from its latest import and the decline. */
export const recordingStatuses = ['pending', 'queued', 'fetching', 'converting', 'uploading', 'encoding', 'done', 'failed', 'declined'] as const
type RecordingStatus = (typeof recordingStatuses)[number]
export const recordingSorts = ['newest', 'oldest', 'name', 'longest'] as const

export interface MyRecordingsFilter {
  q?: string
  status?: RecordingStatus[]
  course?: string
  from?: Date
  to?: Date
  ids?: number[]
  sort: (typeof recordingSorts)[number]
  limit: number
  offset: number
}

// A live or done import decides; else a decline; else the last failure; else nothing yet.
const statusSql = sql<RecordingStatus>`CASE
  WHEN li.state IS NOT NULL AND li.state NOT IN ('failed', 'cancelled') THEN li.state
  WHEN r.declined_at IS NOT NULL THEN 'declined'
  WHEN li.state = 'failed' THEN 'failed'
  ELSE 'pending' END`
/** The course or context a recording was made in, as the clients that create meetings name it. */
const courseSql = sql<string>`coalesce(nullif(r.metadata->>'bbb-context-name', ''), nullif(r.metadata->>'bbb-context-label', ''), nullif(r.metadata->>'bbb-context', ''), '')`

const orderBy = {
  newest: sql`start_time DESC, id DESC`,
  oldest: sql`start_time ASC, id ASC`,
  name: sql`lower(name) ASC, id ASC`,
  longest: sql`duration_seconds DESC, id DESC`,
}

export function createMyRecordingsRepository(db: Database) {
  /** The recordings `userId` owns (not BBB-deleted), each with its latest import. */
  const owned = (userId: number) =>
    db.selectFrom('recording_owners as o')
      .innerJoin('recordings as r', 'r.id', 'o.recording_id')
      .leftJoinLateral(latestImportOf(db).selectAll().as('li'), (join) => join.onTrue())
      .where('o.user_id', '=', userId)
      .where('r.state', '!=', 'deleted')
      // A decommissioned server's recordings leave the list, but for those imported.
      .where((eb) => eb.or([
        eb.not(eb.exists(eb.selectFrom('retired_sources as rs').select('rs.source').whereRef('rs.source', '=', 'r.source'))),
        eb('li.state', '=', 'done'),
      ]))

  /** Everything the pages and the API show of them. */
  const mine = (userId: number) =>
    owned(userId).select([
      'r.id', 'r.source', 'r.record_id', 'r.meeting_id', 'r.name', 'r.meeting_name', 'r.start_time', 'r.end_time', 'r.duration_seconds',
      'r.formats', 'r.metadata', 'r.published', 'r.state', 'r.missing_since', 'r.declined_at',
      'li.id as import_id', 'li.state as import_state', 'li.progress as import_progress', 'li.error as import_error',
      'li.attempts as import_attempts', 'li.pod_video_url', 'li.created_at as import_created_at', 'li.updated_at as import_updated_at',
      statusSql.as('status'), courseSql.as('course'),
    ])

  /**
   * Only what sorting and the status need (all in the recordings_listing index: no row read);
   * text and course filters add the columns they look at.
   */
  const narrow = (userId: number, withText = true) =>
    owned(userId)
      .select(['r.id', 'r.name', 'r.start_time', 'r.duration_seconds', statusSql.as('status')])
      .$if(withText, (qb) => qb.select(['r.record_id', 'r.meeting_name', courseSql.as('course')]))

  const filters = (f: MyRecordingsFilter) => {
    // The builder of the `m` subquery below, whose type Kysely spells only at the call site.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const where: Array<(eb: any) => Expression<SqlBool>> = []
    if (f.q) {
      const like = containsPattern(f.q)
      where.push((eb) => eb.or([eb('name', 'ilike', like), eb('meeting_name', 'ilike', like), eb('course', 'ilike', like), eb('record_id', '=', f.q)]))
    }
    if (f.status?.length) where.push((eb) => eb('status', 'in', f.status))
    if (f.course !== undefined) where.push((eb) => eb('course', '=', f.course))
    if (f.from) where.push((eb) => eb('start_time', '>=', f.from))
    if (f.to) where.push((eb) => eb('start_time', '<', f.to))
    if (f.ids) where.push((eb) => eb('id', 'in', f.ids!.length ? f.ids! : [-1]))
    return where
  }

  return {
    /**
     * A page of my recordings. Filtering and sorting run on narrow rows; only the page's rows
     * are read whole (formats and metadata are the bulk of a row).
     */
    async list(userId: number, f: MyRecordingsFilter) {
      const withText = Boolean(f.q || f.course !== undefined)
      let query = db.selectFrom(narrow(userId, withText).as('m')).select(['id', sql<string>`count(*) over ()`.as('total')])
      for (const w of filters(f)) query = query.where(w)
      const page = await query.orderBy(orderBy[f.sort]).limit(f.limit).offset(f.offset).execute()
      let total = page[0] ? Number(page[0].total) : 0
      if (!page.length && f.offset > 0) {
        let count = db.selectFrom(narrow(userId, withText).as('m')).select((eb) => eb.fn.countAll<string>().as('n'))
        for (const w of filters(f)) count = count.where(w)
        total = Number((await count.executeTakeFirstOrThrow()).n)
      }
      if (!page.length) return { total, rows: [] }
      const byId = new Map((await mine(userId).where('r.id', 'in', page.map((p) => p.id)).execute()).map((r) => [r.id, r]))
      return { total, rows: page.map((p) => byId.get(p.id)!).filter(Boolean) }
    },

    async get(userId: number, recordingId: number) {
      return mine(userId).where('r.id', '=', recordingId).executeTakeFirst()
    },

    /** The courses of my recordings, for the filter's choices. */
    async courses(userId: number) {
      const rows = await db.selectFrom(narrow(userId).as('m')).select('course').distinct().where('course', '!=', '').orderBy('course').limit(500).execute()
      return rows.map((r) => r.course)
    },

    /** Shutdown deadlines of the sources my recordings come from. */
    async sources(userId: number) {
      const rows = await db.selectFrom('recording_owners as o').innerJoin('recordings as r', 'r.id', 'o.recording_id')
        .select('r.source').distinct().where('o.user_id', '=', userId).execute()
      return rows.map((r) => r.source)
    },

    /**
     * Whether `url` is the link of a finished import of one of my recordings (a download is its
     * owners' only), even once BBB deleted the recording or its server is retired.
     */
    async ownsResult(userId: number, url: string) {
      const row = await db.selectFrom('imports as i').innerJoin('recording_owners as o', 'o.recording_id', 'i.recording_id')
        .select('i.id').where('o.user_id', '=', userId).where('i.state', '=', 'done').where('i.pod_video_url', '=', url).limit(1).executeTakeFirst()
      return row !== undefined
    },

    async setDeclined(recordingId: number, userId: number | null) {
      await db.updateTable('recordings').set({ declined_at: userId === null ? null : new Date(), declined_by: userId })
        .where('id', '=', recordingId).execute()
    },
  }
}
export type MyRecordingRow = NonNullable<Awaited<ReturnType<ReturnType<typeof createMyRecordingsRepository>['get']>>>
