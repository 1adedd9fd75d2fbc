import { sql, type Kysely } from 'kysely'
import type { DB } from '../db/schema.ts'
import { inChunks } from '../db/query-helpers.ts'

export interface UserInput {
  username: string
  email: string | null
  displayName: string | null
}

export interface LoginIdentity {
  username: string
  email?: string | null
  displayName?: string | null
}

/** The one place that writes `users`: owners found by a sync, people who log in, API callers, the system user. */
export function createUsersRepository(db: Kysely<DB>) {
  return {
    /** Creates or refreshes users by username; a known e-mail or name is never blanked. */
    async upsertUsers(users: UserInput[], createdVia: string): Promise<Map<string, number>> {
      const rows = await inChunks(users, async (chunk) => (await sql<{ id: number; username: string }>`
          INSERT INTO users (username, email, display_name, created_via)
          SELECT u.username, u.email, u.display_name, ${createdVia}
            FROM unnest(${chunk.map((u) => u.username)}::text[], ${chunk.map((u) => u.email)}::text[], ${chunk.map((u) => u.displayName)}::text[]) AS u(username, email, display_name)
          ON CONFLICT (username) DO UPDATE SET
            email = COALESCE(EXCLUDED.email, users.email),
            display_name = COALESCE(EXCLUDED.display_name, users.display_name),
            updated_at = CASE WHEN users.email IS DISTINCT FROM COALESCE(EXCLUDED.email, users.email)
                                OR users.display_name IS DISTINCT FROM COALESCE(EXCLUDED.display_name, users.display_name)
                              THEN now() ELSE users.updated_at END
          RETURNING id, username`.execute(db)).rows)
      return new Map(rows.map((r) => [r.username, r.id]))
    },

    /** The user of `username`, created (as `createdVia`) when unknown. */
    ensureUser: async (username: string, createdVia: 'api' | 'system', displayName: string | null = null) =>
      (await db.selectFrom('users').select(['id', 'username', 'email', 'display_name']).where('username', '=', username).executeTakeFirst())
        ?? db.insertInto('users').values({ username, display_name: displayName, created_via: createdVia })
          .onConflict((oc) => oc.column('username').doUpdateSet({ updated_at: new Date() }))
          .returning(['id', 'username', 'email', 'display_name']).executeTakeFirstOrThrow(),

    /**
     * The user an SSO login is, so that the owner the sync created earlier is the same user at
     * first login. `username` matches the lowercased username; `email` matches the e-mail
     * (case-insensitively), for sites whose Moodle logins differ from their SSO ids.
     */
    forLogin: async (who: LoginIdentity, match: 'username' | 'email') => {
      const username = who.username.trim().toLowerCase()
      const email = who.email?.trim() || null
      if (!username) throw new Error('an SSO login without a username')
      return db.transaction().execute(async (tx) => {
        const existing = match === 'email' && email
          ? await tx.selectFrom('users').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).orderBy('id').executeTakeFirst()
          : await tx.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst()
        if (existing) {
          return tx.updateTable('users').set({ email: email ?? existing.email, display_name: who.displayName || existing.display_name, updated_at: new Date(), last_login_at: new Date() })
            .where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow()
        }
        return tx.insertInto('users').values({ username, email, display_name: who.displayName || null, created_via: 'sso', last_login_at: new Date() })
          .onConflict((oc) => oc.column('username').doUpdateSet({ email, updated_at: new Date(), last_login_at: new Date() }))
          .returningAll().executeTakeFirstOrThrow()
      })
    },
  }
}
export type UsersRepository = ReturnType<typeof createUsersRepository>
