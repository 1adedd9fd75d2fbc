import { Kysely, MysqlDialect, PostgresDialect, sql, type RawBuilder } from 'kysely'
import { createPool } from 'mysql2'
import pg from 'pg'
import type { MoodleDbConfig } from '../config.ts'

/** A Moodle database, PostgreSQL or MySQL/MariaDB, read through raw SQL with its table prefix. */
export interface MoodleDb {
  readonly kind: 'postgres' | 'mysql'
  /** Read through raw SQL only: Moodle's tables carry the site's prefix, so there is no schema type. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>
  /** A prefixed, quoted table name: `table('user')` is `mdl_user`. */
  table(name: string): RawBuilder<unknown>
  close(): Promise<void>
}

export function openMoodleDb(config: MoodleDbConfig): MoodleDb {
  const mysql = /^(mysql|mariadb):/.test(config.url)
  const dialect = mysql
    ? new MysqlDialect({ pool: createPool({ uri: config.url.replace(/^mariadb:/, 'mysql:'), connectionLimit: 4, connectTimeout: 10_000, supportBigNumbers: true, bigNumberStrings: false }) })
    : new PostgresDialect({ pool: new pg.Pool({ connectionString: config.url, max: 4, connectionTimeoutMillis: 10_000 }) })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = new Kysely<any>({ dialect })
  return {
    kind: mysql ? 'mysql' : 'postgres',
    db,
    table: (name) => sql.table(`${config.prefix}${name}`),
    close: () => db.destroy(),
  }
}

/** PostgreSQL `42P01`, MySQL `ER_NO_SUCH_TABLE`: Moodle < 4.0 has no recordings table. */
export function isMissingTable(error: unknown): boolean {
  const code = (error as { code?: string }).code
  return code === '42P01' || code === 'ER_NO_SUCH_TABLE'
}
