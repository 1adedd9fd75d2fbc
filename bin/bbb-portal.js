#!/usr/bin/env -S node --heap-growing-percent=50
// --heap-growing-percent=50: a sync allocates far more than it keeps; V8 collects sooner and its peak
// RSS stays near the live data (bench/README.md). Node flags, so set where node starts.
// The compiled service (`npm run build` makes dist/). In a checkout that has not been built, the
// TypeScript sources through tsx (a development dependency), so `npm install && npm run demo` works.
import { existsSync } from 'node:fs'

const compiled = new URL('../dist/src/cli/main.js', import.meta.url)
if (existsSync(compiled)) {
  await import(compiled.href)
} else {
  const { register } = await import('tsx/esm/api').catch(() => {
    console.error('bbb-portal: dist/ is missing: run `npm run build` (or install the development dependencies to run the sources)')
    process.exit(1)
  })
  register()
  await import('../src/cli/main.ts')
}
