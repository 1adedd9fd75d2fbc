import t from 'tap'
import { createUsersRepository } from '../../src/owners/users-repository.ts'
import { freshDatabase } from '../helpers/database.ts'

t.test('an SSO login finds the user the sync created, as OWNER_MATCH says', async (t) => {
  const { db } = await freshDatabase(t)
  const users = createUsersRepository(db)
  const ids = await users.upsertUsers([
    { username: 'amartin', email: 'Alice.Martin@univ.example', displayName: 'Alice Martin' },
    { username: 'bob', email: null, displayName: 'Bob Durand' },
  ], 'sync')

  const byName = await users.forLogin({ username: 'AMartin', email: 'alice.martin@univ.example' }, 'username')
  t.equal(byName.id, ids.get('amartin'), 'the username, lowercased')
  t.equal(byName.display_name, 'Alice Martin', 'a login without a name keeps the known one')
  t.ok(byName.last_login_at, 'the login is dated')

  const byMail = await users.forLogin({ username: 'alice.martin', email: 'ALICE.MARTIN@univ.example', displayName: 'Alice M.' }, 'email')
  t.equal(byMail.id, ids.get('amartin'), 'the e-mail, any case, when usernames differ between Moodle and SSO')
  t.equal(byMail.display_name, 'Alice M.')

  const fresh = await users.forLogin({ username: 'Carol', email: 'carol@univ.example', displayName: 'Carol Petit' }, 'email')
  t.match(fresh, { username: 'carol', created_via: 'sso', email: 'carol@univ.example' }, 'someone new is created')
  t.equal((await users.forLogin({ username: 'bob', email: 'bob@univ.example' }, 'username')).email, 'bob@univ.example', 'an e-mail learnt at login is kept')
  await t.rejects(users.forLogin({ username: '  ' }, 'username'), /without a username/)
})

t.test('a sync never blanks what is known; an API caller or the system user is made once', async (t) => {
  const { db } = await freshDatabase(t)
  const users = createUsersRepository(db)
  await users.upsertUsers([{ username: 'dora', email: 'dora@univ.example', displayName: 'Dora' }], 'sync')
  await users.upsertUsers([{ username: 'dora', email: null, displayName: null }], 'admin')
  t.match(await db.selectFrom('users').selectAll().where('username', '=', 'dora').executeTakeFirstOrThrow(), { email: 'dora@univ.example', display_name: 'Dora', created_via: 'sync' })

  const first = await users.ensureUser('api.client', 'api')
  const again = await users.ensureUser('api.client', 'api')
  t.equal(again.id, first.id, 'the same user the second time')
  t.equal((await users.ensureUser('dora', 'api')).email, 'dora@univ.example', 'a known user is found, not rewritten')
  t.match(await db.selectFrom('users').selectAll().where('username', '=', 'api.client').executeTakeFirstOrThrow(), { created_via: 'api' })
})
