import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The project's root, where views/, public/, openapi.yaml and migrations/ are: the nearest
 * folder above this module that holds package.json, whether the code runs from src/ (tsx) or
 * compiled from dist/src/.
 */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`)
  }
}

const projectRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)))

/** A file or folder shipped with the code (views, public, openapi.yaml), by its path from the root. */
export const assetPath = (...parts: string[]) => path.join(projectRoot, ...parts)
