import type { Logger } from '../../src/log.ts'

/** A logger that keeps each message (fields dropped) for the test to read. */
export function memoryLogger(lines: string[] = []): Logger & { lines: string[] } {
  const keep = (first: unknown, message?: string) => void lines.push(typeof first === 'string' ? first : message ?? JSON.stringify(first))
  const log: Logger & { lines: string[] } = { debug: keep, info: keep, warn: keep, error: keep, child: () => log, lines }
  return log
}
