import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

interface ReceivedMail {
  to: string
  subject: string
  text: string
  headers: Map<string, unknown>
}

/**
 * A real SMTP server on a local port keeping every e-mail it accepts, parsed; recipients matching
 * `refuse` are refused at RCPT TO (550), as a mail server refuses an unknown address.
 */
export async function mailbox(t: { teardown(fn: () => unknown): void }, options: { refuse?: RegExp } = {}) {
  const received: ReceivedMail[] = []
  /** While true, every recipient gets 451 (try again later), as a busy or restarting server answers. */
  const state = { busy: false }
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onRcptTo(address, _session, callback) {
      if (state.busy) return callback(Object.assign(new Error('451 4.3.0 try again later'), { responseCode: 451 }))
      if (options.refuse?.test(address.address)) return callback(Object.assign(new Error(`550 5.1.1 <${address.address}>: user unknown`), { responseCode: 550 }))
      callback()
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        for (const rcpt of session.envelope.rcptTo) received.push({ to: rcpt.address, subject: parsed.subject ?? '', text: parsed.text ?? '', headers: parsed.headers })
        callback()
      }, callback)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  return { url: `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`, received, state }
}
