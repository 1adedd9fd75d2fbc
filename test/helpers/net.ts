import { once } from 'node:events'
import { createServer } from 'node:net'

/** A port free on 127.0.0.1 right now (for servers whose URL must be known before they start). */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/**
 * A TCP relay to a server (PostgreSQL) that a test can cut as a restart would: every open
 * connection dropped, new ones refused until it is back.
 */
async function cuttableRelay(target: { host: string; port: number }) {
  const { connect } = await import('node:net')
  const open = new Set<import('node:net').Socket>()
  let down = false
  const server = createServer((client) => {
    if (down) return void client.destroy()
    const upstream = connect(target.port, target.host)
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      a.pipe(b)
      a.on('error', () => b.destroy())
      a.on('close', () => b.destroy())
      open.add(a)
      a.on('close', () => open.delete(a))
    }
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as { port: number }).port,
    /** Drops every connection and refuses new ones until `restore`. */
    cut() {
      down = true
      for (const socket of open) socket.destroy()
    },
    restore() {
      down = false
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of open) socket.destroy()
      server.close(() => resolve())
    }),
  }
}

/** A relay to a test database that the test can cut, and the database's URL through it. */
export async function relayTo(t: { teardown(fn: () => unknown): void }, databaseUrl: string) {
  const direct = new URL(databaseUrl)
  const relay = await cuttableRelay({ host: direct.hostname, port: Number(direct.port || 5432) })
  t.teardown(() => relay.close())
  return { ...relay, url: Object.assign(direct, { port: String(relay.port) }).toString() }
}
