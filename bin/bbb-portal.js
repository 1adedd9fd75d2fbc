#!/usr/bin/env -S node --heap-growing-percent=50
// --heap-growing-percent=50: a sync allocates far more than it keeps; V8 collects sooner and its peak
// RSS stays near the live data (bench/README.md). Node flags, so set where node starts.
// The compiled service (`npm run build` makes dist/). In a checkout that has not been built, or whose
// sources changed since, the TypeScript sources through tsx (a development dependency), so that
// `npm install && npm run demo` works and an edit is never shadowed by an old build.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const compiled = new URL('../dist/src/cli/main.js', import.meta.url)

/** Whether a file or folder of src/ or migrations/ is newer than the build (false where the sources are not shipped). */
function sourcesNewerThan(builtAt) {
  return ['../src/', '../migrations/'].some((dir) => {
    const root = fileURLToPath(new URL(dir, import.meta.url))
    if (!existsSync(root)) return false
    return readdirSync(root, { recursive: true }).some((name) => statSync(`${root}${name}`).mtimeMs > builtAt)
  })
}

async function runSources(why) {
  const tsx = await import('tsx/esm/api').catch(() => undefined)
  if (!tsx) return false
  if (why) console.error(`bbb-portal: ${why}: running the sources (npm run build compiles them)`)
  tsx.register()
  await import('../src/cli/main.ts')
  return true
}

if (!existsSync(compiled)) {
  if (!(await runSources())) {
    console.error('bbb-portal: dist/ is missing: run `npm run build` (or install the development dependencies to run the sources)')
    process.exit(1)
  }
} else if (sourcesNewerThan(statSync(compiled).mtimeMs)) {
  if (!(await runSources('src/ changed since the last build'))) {
    console.error('bbb-portal: src/ changed since the last build, which runs: run `npm run build`')
    await import(compiled.href)
  }
} else {
  await import(compiled.href)
}
