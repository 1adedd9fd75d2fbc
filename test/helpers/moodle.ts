import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { moodleDdl, type MoodleKind } from '../../src/moodle/moodle-schema.ts'
import { adminQuery, dropWhenIdle, urlFor } from './database.ts'

export type { MoodleKind }

const mariadbUrl = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306'

export interface MoodleFixture {
  kind: MoodleKind
  url: string
  prefix: string
  insert(table: string, row: Record<string, unknown>): Promise<void>
}

/** A fresh Moodle database (PostgreSQL or MariaDB) with the tables the owner resolution reads, dropped after the test. */
export async function moodleDatabase(t: { teardown(fn: () => unknown): void }, kind: MoodleKind, prefix = 'mdl_'): Promise<MoodleFixture> {
  const name = `moodle_test_${process.pid}_${randomBytes(3).toString('hex')}`
  const q = (id: string) => (kind === 'postgres' ? `"${id}"` : `\`${id}\``)
  const ddl = moodleDdl(kind, prefix)
  let run: (text: string, params?: unknown[]) => Promise<unknown>
  let url: string
  if (kind === 'postgres') {
    await adminQuery(`CREATE DATABASE ${name}`)
    url = urlFor(name)
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    run = (text, params) => client.query(text, params as unknown[])
    t.teardown(async () => {
      await client.end()
      await dropWhenIdle(name)
    })
  } else {
    const root = await mysql.createConnection(mariadbUrl)
    await root.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`)
    await root.changeUser({ database: name })
    url = `${mariadbUrl.replace(/\/$/, '')}/${name}`
    run = (text, params) => root.query(text, params)
    t.teardown(async () => {
      await root.query(`DROP DATABASE ${name}`)
      await root.end()
    })
  }
  for (const statement of ddl) await run(statement)
  return {
    kind, url, prefix,
    async insert(table, row) {
      const cols = Object.keys(row)
      const marks = cols.map((_, i) => (kind === 'postgres' ? `$${i + 1}` : '?'))
      await run(`INSERT INTO ${q(prefix + table)} (${cols.map(q).join(', ')}) VALUES (${marks.join(', ')})`, Object.values(row))
    },
  }
}
