/**
 * Why a BBB reply could not be used. Some faults (timeouts, refused connections, 5xx, nginx's
 * 404/504 pages of BBB issue #10570) may pass on a later try: those are `retryable`.
 */
export type BbbFault = 'failed' | 'html' | 'truncated' | 'invalid' | 'refused' | 'http' | 'timeout' | 'network'

const retryableFaults: ReadonlySet<BbbFault> = new Set(['html', 'truncated', 'timeout', 'network'])

export class BbbReplyError extends Error {
  constructor(
    public readonly fault: BbbFault,
    message: string,
    public readonly details: { messageKey?: string; status?: number } = {},
  ) {
    super(message)
    this.name = 'BbbReplyError'
  }

  get retryable(): boolean {
    return retryableFaults.has(this.fault) || (this.fault === 'http' && (this.details.status ?? 0) >= 500)
  }
}
