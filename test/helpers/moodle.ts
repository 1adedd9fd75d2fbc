import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { adminQuery, dropWhenIdle, urlFor } from './database.ts'

export type MoodleKind = 'postgres' | 'mariadb'
export const mariadbUrl = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306'

// Moodle's XMLDB types, mapped as Moodle's installer maps them on each database.
type Col = [name: string, type: 'seq' | 'int10' | 'int4' | 'int2' | 'int1' | 'char' | 'text', nullable?: boolean]
const types: Record<MoodleKind, Record<Col[1], string>> = {
  postgres: { seq: 'BIGSERIAL PRIMARY KEY', int10: 'BIGINT', int4: 'SMALLINT', int2: 'SMALLINT', int1: 'SMALLINT', char: 'VARCHAR(255)', text: 'TEXT' },
  mariadb: { seq: 'BIGINT AUTO_INCREMENT PRIMARY KEY', int10: 'BIGINT', int4: 'SMALLINT', int2: 'TINYINT', int1: 'TINYINT', char: 'VARCHAR(255)', text: 'LONGTEXT' },
}

/** The part of Moodle 4.x's schema the owner resolution reads (install.xml column types). */
export const moodleTables: Record<string, Col[]> = {
  bigbluebuttonbn: [['id', 'seq'], ['type', 'int2'], ['course', 'int10'], ['name', 'char'], ['intro', 'text', true], ['introformat', 'int4'], ['meetingid', 'char'], ['moderatorpass', 'char'], ['viewerpass', 'char'], ['participants', 'text', true], ['record', 'int1'], ['timecreated', 'int10'], ['timemodified', 'int10']],
  bigbluebuttonbn_recordings: [['id', 'seq'], ['courseid', 'int10'], ['bigbluebuttonbnid', 'int10'], ['groupid', 'int10', true], ['recordingid', 'char'], ['headless', 'int1'], ['imported', 'int1'], ['status', 'int1'], ['importeddata', 'text', true], ['timecreated', 'int10'], ['usermodified', 'int10'], ['timemodified', 'int10']],
  bigbluebuttonbn_logs: [['id', 'seq'], ['courseid', 'int10'], ['bigbluebuttonbnid', 'int10'], ['userid', 'int10', true], ['timecreated', 'int10'], ['meetingid', 'char'], ['log', 'char'], ['meta', 'text', true]],
  modules: [['id', 'seq'], ['name', 'char'], ['cron', 'int10'], ['lastcron', 'int10'], ['search', 'char'], ['visible', 'int1']],
  course_modules: [['id', 'seq'], ['course', 'int10'], ['module', 'int10'], ['instance', 'int10'], ['section', 'int10'], ['visible', 'int1']],
  context: [['id', 'seq'], ['contextlevel', 'int10'], ['instanceid', 'int10'], ['path', 'char', true], ['depth', 'int2'], ['locked', 'int2']],
  role: [['id', 'seq'], ['name', 'char'], ['shortname', 'char'], ['description', 'text'], ['sortorder', 'int10'], ['archetype', 'char']],
  role_assignments: [['id', 'seq'], ['roleid', 'int10'], ['contextid', 'int10'], ['userid', 'int10'], ['timemodified', 'int10'], ['modifierid', 'int10'], ['component', 'char'], ['itemid', 'int10'], ['sortorder', 'int10']],
  user: [['id', 'seq'], ['auth', 'char'], ['deleted', 'int1'], ['suspended', 'int1'], ['username', 'char'], ['idnumber', 'char'], ['firstname', 'char'], ['lastname', 'char'], ['email', 'char']],
  config: [['id', 'seq'], ['name', 'char'], ['value', 'text']],
  enrol: [['id', 'seq'], ['enrol', 'char'], ['status', 'int10'], ['courseid', 'int10']],
  user_enrolments: [['id', 'seq'], ['status', 'int10'], ['enrolid', 'int10'], ['userid', 'int10'], ['timestart', 'int10'], ['timeend', 'int10']],
}

const defaults: Record<Col[1], unknown> = { seq: undefined, int10: 0, int4: 0, int2: 0, int1: 0, char: '', text: '' }

export interface MoodleFixture {
  kind: MoodleKind
  url: string
  prefix: string
  insert(table: string, row: Record<string, unknown>): Promise<void>
}

/** A fresh Moodle database (PostgreSQL or MariaDB) with the tables above, dropped after the test. */
export async function moodleDatabase(t: { teardown(fn: () => unknown): void }, kind: MoodleKind, prefix = 'mdl_'): Promise<MoodleFixture> {
  const name = `moodle_test_${process.pid}_${randomBytes(3).toString('hex')}`
  const q = (id: string) => (kind === 'postgres' ? `"${id}"` : `\`${id}\``)
  const ddl = Object.entries(moodleTables).map(([table, cols]) =>
    `CREATE TABLE ${q(prefix + table)} (${cols.map(([c, type, nullable]) => `${q(c)} ${types[kind][type]}${type === 'seq' ? '' : nullable ? ' NULL' : ` NOT NULL DEFAULT ${type === 'text' && kind === 'mariadb' ? "('')" : typeof defaults[type] === 'string' ? "''" : defaults[type]}`}`).join(', ')})`)
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
