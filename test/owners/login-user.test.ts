import t from 'tap'
import { userForLogin } from '../../src/owners/login-user.ts'
import { createOwnersRepository } from '../../src/owners/owners-repository.ts'
import { freshDatabase } from '../helpers/database.ts'

t.test('an SSO login finds the user the sync created, as OWNER_MATCH says', async (t) => {
  const { db } = await freshDatabase(t)
  const ids = await createOwnersRepository(db).upsertUsers([
    { username: 'amartin', email: 'Alice.Martin@univ.example', displayName: 'Alice Martin' },
    { username: 'bob', email: null, displayName: 'Bob Durand' },
  ], 'sync')

  const byName = await userForLogin(db, { username: 'AMartin', email: 'alice.martin@univ.example' }, 'username')
  t.equal(byName.id, ids.get('amartin'), 'the username, lowercased')
  t.equal(byName.display_name, 'Alice Martin', 'a login without a name keeps the known one')

  const byMail = await userForLogin(db, { username: 'alice.martin', email: 'ALICE.MARTIN@univ.example', displayName: 'Alice M.' }, 'email')
  t.equal(byMail.id, ids.get('amartin'), 'the e-mail, any case, when usernames differ between Moodle and SSO')
  t.equal(byMail.display_name, 'Alice M.')

  const fresh = await userForLogin(db, { username: 'Carol', email: 'carol@univ.example', displayName: 'Carol Petit' }, 'email')
  t.match(fresh, { username: 'carol', created_via: 'sso', email: 'carol@univ.example' }, 'someone new is created')
  t.equal((await userForLogin(db, { username: 'bob', email: 'bob@univ.example' }, 'username')).email, 'bob@univ.example', 'an e-mail learnt at login is kept')
  await t.rejects(userForLogin(db, { username: '  ' }, 'username'), /without a username/)
})
