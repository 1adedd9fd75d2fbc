/**
 * Why a conversion stopped. `permanent` errors (a refused URL, a missing required file, a 4xx)
 * will fail again if retried; the import pipeline retries only transient ones.
 */
export class ConvertError extends Error {
  constructor(
    message: string,
    readonly permanent = true,
  ) {
    super(message)
    this.name = 'ConvertError'
  }
}
