/**
 * An http(s) URL with a host: `scheme://host…`. `new URL()` alone also reads `http:/../x` or
 * `http:x` as http URLs (it supplies the slashes), which code that tells URLs from paths by their
 * `//` would then take for a local path. Every URL that enters from outside passes this first.
 */
export function isWebUrl(value: string): boolean {
  if (!/^https?:\/\/[^/\\?#\s]/i.test(value)) return false
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}
