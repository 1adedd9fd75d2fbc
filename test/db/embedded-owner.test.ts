import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { claimEmbeddedDatabase } from '../../src/db/embedded-owner.ts'

t.test('the embedded database has one owner: a live one refuses the next, a dead one leaves it free', async (t) => {
  const dir = t.testdir()
  const file = path.join(dir, 'owner.json')
  writeFileSync(file, JSON.stringify({ pid: process.ppid, command: 'demo', since: '2026-12-02T10:00:00Z' }))
  t.throws(() => claimEmbeddedDatabase(dir), { message: /in use by another process \(pid \d+, "bbb-portal demo"/ }, 'a living process holds it')
  t.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.ppid, "the owner's claim is left as it was")

  const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' })
  writeFileSync(file, JSON.stringify({ pid: Number(gone.stdout.trim()), command: 'demo', since: '2026-12-02T10:00:00Z' }))
  const release = claimEmbeddedDatabase(dir)
  t.equal(JSON.parse(readFileSync(file, 'utf8')).pid, process.pid, 'a dead owner is replaced')
  release()
  t.notOk(existsSync(file), 'closing hands it back')
})
