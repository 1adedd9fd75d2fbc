import { sql } from 'kysely'
import type { Database } from '../db/database.ts'
import type { CampaignMailState } from '../db/schema.ts'
import { latestImportSql, settlementSql } from '../db/settlement-sql.ts'

/** A recording still waits for its owner's choice: nothing imported, nothing declined or abandoned. */
const waitingSql = sql<boolean>`${settlementSql} IN ('awaiting', 'failed')`

/** The SQL of the migration campaign: its opening, its e-mails (one per owner and step), the deadline. */
export function createCampaignRepository(db: Database) {
  return {
    async open(source: string, by: string) {
      return (await db.insertInto('campaigns').values({ source, opened_by: by }).onConflict((oc) => oc.column('source').doNothing()).returningAll().executeTakeFirst()) !== undefined
    },
    campaign: (source: string) => db.selectFrom('campaigns').selectAll().where('source', '=', source).executeTakeFirst(),

    /**
     * One queued e-mail for this step to every owner (with an e-mail, found by a resolver or an
     * admin) who has recordings still waiting; never a second for the same step; reminders skip
     * those who asked for no more. Returns how many were added.
     */
    async plan(source: string, step: string) {
      const reminder = step !== 'announcement'
      const { rows } = await sql<{ n: string }>`
        WITH added AS (
          INSERT INTO campaign_mails (source, step, user_id)
          SELECT DISTINCT ${source}, ${step}, o.user_id
            FROM recordings r ${latestImportSql}
            JOIN recording_owners o ON o.recording_id = r.id AND o.reason <> 'fallback'
            JOIN users u ON u.id = o.user_id AND u.email IS NOT NULL AND u.email <> ''
           WHERE r.source = ${source} AND r.state <> 'deleted' AND r.missing_since IS NULL AND ${waitingSql}
             AND (${!reminder} OR NOT EXISTS (SELECT 1 FROM campaign_unsubscribes x WHERE x.source = ${source} AND x.user_id = o.user_id))
          ON CONFLICT (source, step, user_id) DO NOTHING RETURNING 1)
        SELECT count(*) AS n FROM added`.execute(db)
      return Number(rows[0]!.n)
    },
    /** Claims a step for planning: false when it was planned (or superseded) before, here or elsewhere. */
    async claimStep(source: string, step: string, superseded = false) {
      return (await db.insertInto('campaign_steps').values({ source, step, superseded }).onConflict((oc) => oc.columns(['source', 'step']).doNothing()).returningAll().executeTakeFirst()) !== undefined
    },
    async countStep(source: string, step: string, recipients: number) {
      await db.updateTable('campaign_steps').set((eb) => ({ recipients: eb('recipients', '+', recipients) })).where('source', '=', source).where('step', '=', step).execute()
    },
    steps: (source: string) => db.selectFrom('campaign_steps').selectAll().where('source', '=', source).execute(),

    /** One sender per campaign at a time, on every host (MAIL_RATE holds for them all); a dead one's lease runs out. */
    async takeSender(source: string, seconds: number) {
      const row = await db.updateTable('campaigns').set({ sender_until: sql`now() + make_interval(secs => ${seconds})` })
        .where('source', '=', source).where((eb) => eb.or([eb('sender_until', 'is', null), eb('sender_until', '<', sql<Date>`now()`)])).returning('source').executeTakeFirst()
      return row !== undefined
    },
    async releaseSender(source: string) {
      await db.updateTable('campaigns').set({ sender_until: null }).where('source', '=', source).execute()
    },

    /**
     * The next queued e-mail, taken for sending. Taken before it is sent: a crash between the two
     * leaves it `sending`, never sent again (an e-mail twice is worse than one shown as unsure).
     */
    async takeNext(source: string) {
      return db.updateTable('campaign_mails').set({ state: 'sending' })
        .where('id', '=', (eb) => eb.selectFrom('campaign_mails').select('id').where('source', '=', source).where('state', '=', 'queued').orderBy('id').limit(1).forUpdate().skipLocked())
        .returningAll().executeTakeFirst()
    },
    /** A transient failure (the SMTP server away): the e-mail waits for the next round. */
    async requeue(id: number) {
      await db.updateTable('campaign_mails').set({ state: 'queued' }).where('id', '=', id).execute()
    },
    async unsubscribed(source: string, userId: number) {
      return (await db.selectFrom('campaign_unsubscribes').select('user_id').where('source', '=', source).where('user_id', '=', userId).executeTakeFirst()) !== undefined
    },
    async finish(id: number, state: Exclude<CampaignMailState, 'queued' | 'sending'>, detail: { error?: string; recordings?: number } = {}) {
      await db.updateTable('campaign_mails').set({ state, error: detail.error ?? null, recordings: detail.recordings ?? null, sent_at: state === 'sent' ? new Date() : null }).where('id', '=', id).execute()
    },

    /** A user's recordings of the source still waiting, as the e-mail lists them. */
    async waitingOf(source: string, userId: number) {
      const { rows } = await sql<{ name: string; course: string; start_time: Date }>`
        SELECT r.name, coalesce(nullif(r.metadata->>'bbb-context-name', ''), nullif(r.metadata->>'bbb-context-label', ''), '') AS course, r.start_time
          FROM recordings r ${latestImportSql} JOIN recording_owners o ON o.recording_id = r.id AND o.reason <> 'fallback'
         WHERE r.source = ${source} AND o.user_id = ${userId} AND r.state <> 'deleted' AND r.missing_since IS NULL AND ${waitingSql}
         ORDER BY r.start_time DESC`.execute(db)
      return rows
    },
    user: (id: number) => db.selectFrom('users').select(['id', 'username', 'email', 'display_name']).where('id', '=', id).executeTakeFirst(),

    async unsubscribe(source: string, userId: number) {
      await db.insertInto('campaign_unsubscribes').values({ source, user_id: userId }).onConflict((oc) => oc.columns(['source', 'user_id']).doNothing()).execute()
    },

    /** Every e-mail of the source with its recipient, for the campaign page. */
    mails: (source: string) => db.selectFrom('campaign_mails as m').innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.id', 'm.step', 'm.state', 'm.error', 'm.recordings', 'm.planned_at', 'm.sent_at', 'm.user_id', 'u.username', 'u.email', 'u.display_name'])
      .where('m.source', '=', source).orderBy('m.id').execute(),

    /** Every owner of the source's recordings (not a fallback one): how many they have, how many still wait. */
    async owners(source: string) {
      const { rows } = await sql<{ user_id: number; username: string; display_name: string | null; email: string | null; recordings: string; waiting: string }>`
        SELECT u.id AS user_id, u.username, u.display_name, u.email, count(DISTINCT r.id) AS recordings, count(DISTINCT r.id) FILTER (WHERE ${waitingSql}) AS waiting
          FROM recordings r ${latestImportSql} JOIN recording_owners o ON o.recording_id = r.id AND o.reason <> 'fallback' JOIN users u ON u.id = o.user_id
         WHERE r.source = ${source} AND r.state <> 'deleted'
         GROUP BY u.id, u.username, u.display_name, u.email ORDER BY count(DISTINCT r.id) FILTER (WHERE ${waitingSql}) DESC, u.username`.execute(db)
      return rows.map((r) => ({ ...r, recordings: Number(r.recordings), waiting: Number(r.waiting) }))
    },

    /** Owners with recordings still waiting whom no e-mail can reach. */
    async ownersWithoutEmail(source: string) {
      const { rows } = await sql<{ username: string; display_name: string | null; waiting: string }>`
        SELECT u.username, u.display_name, count(DISTINCT r.id) AS waiting
          FROM recordings r ${latestImportSql} JOIN recording_owners o ON o.recording_id = r.id AND o.reason <> 'fallback' JOIN users u ON u.id = o.user_id
         WHERE r.source = ${source} AND r.state <> 'deleted' AND ${waitingSql} AND (u.email IS NULL OR u.email = '')
         GROUP BY u.username, u.display_name ORDER BY u.username`.execute(db)
      return rows.map((r) => ({ ...r, waiting: Number(r.waiting) }))
    },

    /** The recordIDs still waiting for a choice at the deadline (orphans included). */
    async waitingRecordIds(source: string) {
      const { rows } = await sql<{ record_id: string }>`
        SELECT r.record_id FROM recordings r ${latestImportSql}
         WHERE r.source = ${source} AND r.state <> 'deleted' AND ${settlementSql} IN ('awaiting', 'failed', 'orphaned') ORDER BY r.start_time`.execute(db)
      return rows.map((r) => r.record_id)
    },
    /**
     * Claims the deadline's run for the source: false once it has been applied. A run cut short
     * (applied_at still null) is taken again: what it did is not done twice (imports and abandons
     * are idempotent).
     */
    async claimDeadline(source: string, fate: string, by: string) {
      return (await db.insertInto('deadline_runs').values({ source, fate, applied_by: by, counts: '{}' })
        .onConflict((oc) => oc.column('source').doUpdateSet({ applied_by: by }).where('deadline_runs.applied_at', 'is', null)).returningAll().executeTakeFirst()) !== undefined
    },
    async recordDeadline(source: string, counts: Record<string, number>) {
      await db.updateTable('deadline_runs').set({ counts: JSON.stringify(counts), applied_at: new Date() }).where('source', '=', source).execute()
    },
    async abandonAll(source: string, recordIds: string[], reason: string, by: string) {
      if (!recordIds.length) return 0
      const result = await db.updateTable('recordings').set({ abandoned_at: new Date(), abandoned_reason: reason, abandoned_by: by })
        .where('source', '=', source).where('record_id', 'in', recordIds).where('abandoned_at', 'is', null).executeTakeFirst()
      return Number(result.numUpdatedRows)
    },
  }
}
export type CampaignRepository = ReturnType<typeof createCampaignRepository>
