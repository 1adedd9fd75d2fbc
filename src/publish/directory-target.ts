import { chmod, chown, copyFile, mkdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { downloadPath, safeFileName, type PublishTarget } from './target.ts'

/** Who may take the file away: Pod's user moves claimed files, so they and their folder are group-writable. */
export interface Sharing {
  gid?: number
}

/**
 * Copies `file` into `dir` under `name`: written under a hidden temporary name and renamed, so
 * no watcher (Pod's `recorder checkDirectory`) ever sees half a file.
 */
export async function placeFile(file: string, dir: string, name: string, sharing: Sharing = {}): Promise<string> {
  await mkdir(dir, { recursive: true })
  if (sharing.gid !== undefined) {
    // Set up once by us or by the admin; a folder we do not own keeps the admin's settings.
    await chown(dir, -1, sharing.gid).then(() => chmod(dir, 0o2775)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPERM') throw error
    })
  }
  const dest = path.join(dir, name)
  const part = path.join(dir, `.${name}.part`)
  try {
    await copyFile(file, part)
    if (sharing.gid !== undefined) {
      await chown(part, -1, sharing.gid)
      await chmod(part, 0o664)
    }
    await rename(part, dest)
  } catch (error) {
    await rm(part, { force: true })
    throw error
  }
  return dest
}

/** A plain folder (EXPORT_DIR, the demo's default): files named after the title and the recordID. */
export function directoryTarget(dir: string): PublishTarget {
  return {
    async publish(p) {
      const name = safeFileName(p.title, p.recordId)
      await placeFile(p.file, dir, name)
      return downloadPath(name)
    },
  }
}
