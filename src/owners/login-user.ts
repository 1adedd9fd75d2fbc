import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.ts'

export interface LoginIdentity {
  username: string
  email?: string | null
  displayName?: string | null
}

/**
 * The user an SSO login is, so that the owner the sync created earlier is the same user at first
 * login. `OWNER_MATCH=username` matches the lowercased username; `email` matches the e-mail
 * (case-insensitively), for sites whose Moodle logins differ from their SSO ids.
 */
export async function userForLogin(db: Kysely<DB>, who: LoginIdentity, match: 'username' | 'email') {
  const username = who.username.trim().toLowerCase()
  const email = who.email?.trim() || null
  if (!username) throw new Error('an SSO login without a username')
  return db.transaction().execute(async (tx) => {
    const existing = match === 'email' && email
      ? await tx.selectFrom('users').selectAll().where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase())).orderBy('id').executeTakeFirst()
      : await tx.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst()
    if (existing) {
      return tx.updateTable('users').set({ email: email ?? existing.email, display_name: who.displayName || existing.display_name, updated_at: new Date() })
        .where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow()
    }
    return tx.insertInto('users').values({ username, email, display_name: who.displayName || null, created_via: 'sso' })
      .onConflict((oc) => oc.column('username').doUpdateSet({ email, updated_at: new Date() }))
      .returningAll().executeTakeFirstOrThrow()
  })
}
