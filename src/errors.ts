/**
 * The one error model: an HttpProblem becomes RFC 7807 problem+json on the API and the same
 * fields on an error page.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title)
    this.name = 'HttpProblem'
  }
}

export const unauthorized = (detail = 'A valid bearer token is required.') => new HttpProblem(401, 'Unauthorized', detail)
export const forbidden = (detail = 'This needs an administrator.') => new HttpProblem(403, 'Forbidden', detail)
export const notFound = (detail = 'Nothing here.') => new HttpProblem(404, 'Not Found', detail)
/** The request is fine but the recording's or import's state forbids it now; `code` says which rule. */
export const conflict = (detail: string, code: string) => new HttpProblem(409, 'Conflict', detail, { code })
/** Something this process lacks (a configured part, a service it does not run). */
export const unavailable = (detail: string) => new HttpProblem(503, 'Service Unavailable', detail)

/**
 * The one retry rule: an error says whether trying again can help (`retryable`), set where it is
 * understood (an HTTP status, a network failure, the converter's input). An error that does not
 * say (a connection dropped inside a library, a database restart) is tried again: attempts are
 * bounded, and the last one fails the import with the reason.
 */
export const isRetryable = (error: unknown): boolean => (error as { retryable?: unknown } | null | undefined)?.retryable !== false

/** A failure that retrying cannot mend (a 4xx from Pod, a recording gone): the import fails at once. */
export class PermanentImportError extends Error {
  readonly retryable = false
  /** The HTTP status that said so, when another system refused. */
  constructor(message: string, readonly status?: number) {
    super(message)
    this.name = 'PermanentImportError'
  }
}
