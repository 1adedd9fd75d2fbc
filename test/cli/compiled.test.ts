// The compiled service (`npm run build`, which `npm test` runs first) as production starts it:
// `node dist/src/cli/main.js serve`, ready on /readyz, its request log free of SSO tickets,
// stopped by SIGTERM.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
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
