import { copyFile, mkdir, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { safeFileName, type PublishTarget } from './target.ts'

/**
 * A folder that something else watches: the demo's export folder, or Pod's recorder folder
 * (`RECORDER_DIR/<recorder directory>/`, claimed in Pod's "Revendiquer un enregistrement"). The
 * file is written under a hidden temporary name and renamed, so no watcher ever sees half a file.
 */
export function directoryTarget(dir: string): PublishTarget {
  return {
    async publish(p) {
      await mkdir(dir, { recursive: true })
      const name = safeFileName(p.title, p.recordId)
      const part = path.join(dir, `.${name}.part`)
      try {
        await copyFile(p.file, part)
        await rename(part, path.join(dir, name))
      } catch (error) {
        await rm(part, { force: true })
        throw error
      }
      return null
    },
  }
}
