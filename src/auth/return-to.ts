/**
 * Where to go after login or a form: a local path only. `//host`, `/\host`, schemes and control
 * characters would let a crafted link send a fresh session to another site.
 */
export function safeReturnTo(value: unknown, fallback = '/recordings'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 2000) return fallback
  if (/[\u0000-\u001f\\]/.test(value) || value.startsWith('//')) return fallback
  try {
    const url = new URL(value, 'http://portal.invalid')
    if (url.origin !== 'http://portal.invalid') return fallback
    return `${url.pathname}${url.search}${url.hash}`
  } catch {
    return fallback
  }
}
