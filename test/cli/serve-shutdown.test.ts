// SIGTERM to `serve` (systemd stopping it, a deploy): requests in flight are answered, new ones refused.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import t from 'tap'
import { signToken } from '../../src/auth/tokens.ts'
import { bin } from '../helpers/cli.ts'
import { freshDatabase } from '../helpers/database.ts'
import { freePort } from '../helpers/net.ts'
import { until } from '../helpers/wait.ts'

const jwtSecret = 'serve-shutdown-secret-0123456789-abcdef'

t.test('SIGTERM during a request: it is answered, new connections are refused, the process ends', async (t) => {
  const { url } = await freshDatabase(t)
  const port = await freePort()
  const child = spawn(process.execPath, [bin, 'serve'], {
    env: { PATH: process.env.PATH, DATABASE_URL: url, JWT_SECRET: jwtSecret, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: t.testdir() },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => child.kill('SIGKILL'))
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => (output += chunk) && /listening|http:\/\/127\.0\.0\.1/i.test(output) && resolve()
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${output}`)))
  })

  // A request whose body is still on its way when the signal comes.
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  const token = signToken(jwtSecret, { sub: 'jdupont', admin: false })
  socket.write(`POST /api/v1/recordings/1/import HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{`)
  let answer = ''
  socket.on('data', (d) => (answer += d))
  await until(() => output.includes('"url":"/api/v1/recordings/1/import"'), 'the request reached the server')
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  // Closing: the listening socket goes first, the request under way keeps the process alive.
  const refused = async () => fetch(`http://127.0.0.1:${port}/health`).then(() => false, (e: Error & { cause?: { code?: string } }) => e.cause?.code === 'ECONNREFUSED')
  await until(refused, 'new connections refused while closing')
  t.ok(child.exitCode === null && child.signalCode === null, 'still running: a request is in flight')

  socket.write('}')
  await until(() => socket.readableEnded, 'the answer came and the connection closed')
  t.match(answer, /^HTTP\/1\.1 404 /, 'the request in flight was answered (no such recording)')
  t.match(answer, /application\/problem\+json/)
  const [code] = await exited
  t.equal(code, 0, code === 0 ? 'serve ended cleanly' : output.slice(-500))
})
