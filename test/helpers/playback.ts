import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { FakeBbb } from '../../src/demo/fake-bbb.ts'

/** A BBB (or Scalelite) host serving a temporary published folder over HTTP, stopped at teardown. */
export async function playbackHost(t: { teardown(fn: () => unknown): void }, options: { scalelite?: boolean; protectedTokens?: Record<string, string> } = {}) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bbb-published-'))
  const bbb = new FakeBbb({ secret: 'unused', publishedDir: root, flavour: options.scalelite ? 'scalelite' : 'bbb-2.6', protectedTokens: options.protectedTokens })
  const url = await bbb.start()
  t.teardown(async () => {
    await bbb.stop()
    rmSync(root, { recursive: true, force: true })
  })
  return { root, url, bbb }
}

export const RECORD_ID = '0ea5bf5dbd5e5c3b7b93ed3b8a8a2e4c5c0f1e2d-1700000000000'
