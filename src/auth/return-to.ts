const LOCAL = 'http://portal.invalid'

/** A path that a browser reads as this site's own: one leading slash, no backslash, no control character. */
const isLocalPath = (value: string) => value.startsWith('/') && !value.startsWith('//') && !/[\u0000-\u001f\\]/.test(value)

/**
 * Where to go after login or a form: a local path only. `//host`, `/\host`, schemes and control
 * characters would let a crafted link send a fresh session to another site. The normalised path is
 * what the browser receives, so it is checked too (`/.//host` normalises to `//host`).
 */
export function safeReturnTo(value: unknown, fallback = '/recordings'): string {
  if (typeof value !== 'string' || value.length > 2000 || !isLocalPath(value)) return fallback
  try {
    const url = new URL(value, LOCAL)
    const normalised = `${url.pathname}${url.search}${url.hash}`
    return url.origin === LOCAL && isLocalPath(normalised) ? normalised : fallback
  } catch {
    return fallback
  }
}
