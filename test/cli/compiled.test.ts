// The compiled service (`npm run build`, which `npm test` runs first) as production starts it:
// `node dist/src/cli/main.js serve`, ready on /readyz, its request log free of SSO tickets,
// stopped by SIGTERM.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, rmSync, utimesSync } from 'node:fs'
import path from 'node:path'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { freshDatabase } from '../helpers/database.ts'
import { freePort } from '../helpers/net.ts'

const compiled = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url))

t.test('the compiled service starts, answers /readyz, keeps tickets out of its log, stops on SIGTERM', { skip: existsSync(compiled) ? false : 'dist/ is not built (npm test builds it)' }, async (t) => {
  const { url } = await freshDatabase(t)
  const port = await freePort()
  const child = spawn(process.execPath, [compiled, 'serve'], {
    env: { PATH: process.env.PATH, DATABASE_URL: url, JWT_SECRET: 'compiled-secret-0123456789-abcdef-xyz', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: t.testdir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => child.kill('SIGKILL'))
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => (output += chunk) && /listening on/.test(output) && resolve()
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)))
  })
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
  t.equal(ready.status, 200)
  t.same(await ready.json(), { status: 'ok' })
  await fetch(`http://127.0.0.1:${port}/auth/cas/callback?ticket=ST-1-secret-ticket`)
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  t.same(await exited, [0, null], 'a clean stop')
  t.match(output, /"url":"\/auth\/cas\/callback\?ticket=\[redacted\]"/, 'the request is logged without its ticket')
  t.notMatch(output, /secret-ticket/)
})

t.test('the bin runs the build, or the sources when they changed since (an edit is never shadowed by an old build)', async (t) => {
  const root = t.testdir({
    bin: { 'bbb-portal.js': readFileSync(fileURLToPath(new URL('../../bin/bbb-portal.js', import.meta.url)), 'utf8') },
    dist: { src: { cli: { 'main.js': "console.log('compiled')" } } },
    src: { cli: { 'main.ts': "const from: string = 'sources'\nconsole.log(from)" } },
    node_modules: t.fixture('symlink', fileURLToPath(new URL('../../node_modules', import.meta.url))),
  })
  const run = () => execFileSync(process.execPath, [path.join(root, 'bin/bbb-portal.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
  const age = (file: string, seconds: number) => utimesSync(path.join(root, file), new Date(Date.now() - seconds * 1000), new Date(Date.now() - seconds * 1000))
  // Directories count too: a file deleted from src/ changes its folder's time.
  for (const file of ['src/cli/main.ts', 'src/cli']) age(file, 60)
  age('dist/src/cli/main.js', 30)
  t.equal(run(), 'compiled', 'built after the last edit')
  age('src/cli/main.ts', 10)
  t.equal(run(), 'sources', 'edited after the build')
  rmSync(path.join(root, 'dist'), { recursive: true })
  t.equal(run(), 'sources', 'never built')
})
