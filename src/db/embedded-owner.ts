import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** Another process holds the embedded database: opening it as a second instance would lose writes. */
class EmbeddedDatabaseBusy extends Error {}

interface Owner {
  pid: number
  command: string
  since: string
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const read = (file: string): Owner | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Owner
  } catch {
    return undefined
  }
}

/**
 * PGlite is one process's database: two processes on one DATA_DIR each keep their own copy in
 * memory and the last to close overwrites the other's writes. The first process writes its pid
 * beside the data; a second one is refused, with what to do instead. A dead owner's file is stale.
 * Returns the release, which the database's close calls.
 */
export function claimEmbeddedDatabase(dir: string): () => void {
  const file = path.join(dir, 'owner.json')
  const me: Owner = { pid: process.pid, command: process.argv.slice(2).join(' ') || 'node', since: new Date().toISOString() }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(me), { flag: 'wx' })
      // Two processes replacing one stale file at once: only the one whose claim stayed goes on.
      const kept = read(file)
      if (kept?.pid !== me.pid || kept.since !== me.since) continue
      const release = () => {
        process.off('exit', release)
        if (read(file)?.pid === process.pid) rmSync(file, { force: true })
      }
      process.on('exit', release)
      return release
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = read(file)
      if (owner && owner.pid !== process.pid && alive(owner.pid)) {
        throw new EmbeddedDatabaseBusy(
          `the embedded database in ${dir} is in use by another process (pid ${owner.pid}, "bbb-portal ${owner.command}", since ${owner.since}). ` +
          'It has one owner at a time: run this from that process instead (the admin console of the demo syncs with "Simuler une synchronisation" then "Appliquer"), ' +
          'stop it first, or give both processes a PostgreSQL server with DATABASE_URL.',
        )
      }
      rmSync(file, { force: true })
    }
  }
  throw new EmbeddedDatabaseBusy(`could not claim the embedded database in ${dir}`)
}
