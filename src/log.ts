import { pino } from 'pino'

type LogFn = { (message: string): void; (fields: object, message?: string): void }

/**
 * The one logger of the service: pino (the web server logs through the same instance), or a child
 * of it handed to each part. A CLI's own output (what a command reports) goes to the console.
 */
export interface Logger {
  debug: LogFn
  info: LogFn
  warn: LogFn
  error: LogFn
  child(bindings: Record<string, unknown>): Logger
}

/** What a part needs to say what it leaves out: a Logger, or a CLI's console. */
export interface WarningLog {
  warn(message: string): void
}

/** One-time credentials in callback URLs (CAS tickets, OIDC codes and states) never reach the log. */
export const redactUrl = (url: string) => url.replace(/([?&](?:ticket|code|state)=)[^&#]*/gi, '$1[redacted]')

/** JSON lines on standard error; requests logged without their credentials. */
export const createLogger = (level = 'info') => pino({
  level,
  redact: ['req.headers.authorization', 'req.headers.cookie'],
  serializers: { req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }) },
}, pino.destination(2))

/** For tests and tools that want nothing logged. */
export const silentLogger: Logger = pino({ level: 'silent' })
