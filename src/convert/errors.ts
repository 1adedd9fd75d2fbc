/**
 * Why a conversion stopped. Most causes are in the recording (a refused URL, a missing required
 * file, a 4xx) and fail again if retried; the network's and the server's (a 5xx, a cut download,
 * ffmpeg killed by the system) say `retryable`.
 */
export class ConvertError extends Error {
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message)
    this.name = 'ConvertError'
  }
}
