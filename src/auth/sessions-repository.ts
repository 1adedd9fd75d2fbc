import { createHash } from 'node:crypto'
import type { Database } from '../db/database.ts'

/** The cookie carries the token; the table keeps only its SHA-256. */
const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

export interface NewSession {
  token: string
  userId: number
  isAdmin: boolean
  authMethod: string
  casTicket?: string
  expiresAt: Date
}

export function createSessionsRepository(db: Database) {
  return {
    async create(session: NewSession) {
      await db.insertInto('sessions').values({
        token_hash: hashToken(session.token), user_id: session.userId, is_admin: session.isAdmin,
        auth_method: session.authMethod, cas_ticket: session.casTicket ?? null, expires_at: session.expiresAt,
      }).execute()
    },

    /** The live session of a token with its user, or undefined once idle or past its absolute end. */
    async find(token: string, idleSince: Date) {
      return db.selectFrom('sessions').innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.token_hash', 'sessions.is_admin', 'sessions.auth_method', 'sessions.last_seen_at',
          'users.id as user_id', 'users.username', 'users.email', 'users.display_name'])
        .where('sessions.token_hash', '=', hashToken(token))
        .where('sessions.expires_at', '>', new Date())
        .where('sessions.last_seen_at', '>', idleSince)
        .executeTakeFirst()
    },

    async touch(tokenHash: string, now: Date) {
      await db.updateTable('sessions').set({ last_seen_at: now }).where('token_hash', '=', tokenHash).execute()
    },

    async destroy(token: string) {
      await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute()
    },

    /** CAS single logout: the sessions opened with this service ticket. */
    async destroyByCasTicket(ticket: string) {
      const result = await db.deleteFrom('sessions').where('cas_ticket', '=', ticket).executeTakeFirst()
      return Number(result.numDeletedRows)
    },

    async casTicketUsed(ticket: string) {
      return (await db.selectFrom('sessions').select('token_hash').where('cas_ticket', '=', ticket).executeTakeFirst()) !== undefined
    },

    async purgeExpired(idleSince: Date) {
      await db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<=', new Date()), eb('last_seen_at', '<=', idleSince)])).execute()
    },
  }
}
export type SessionsRepository = ReturnType<typeof createSessionsRepository>
