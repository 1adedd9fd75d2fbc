import { createHash } from 'node:crypto'

export type ChecksumAlgorithm = 'sha1' | 'sha256' | 'sha512'

/** BBB's checksum: hex(H(callName + queryString + secret)) over the exact query string sent. */
export function checksum(callName: string, queryString: string, secret: string, algorithm: ChecksumAlgorithm): string {
  return createHash(algorithm).update(callName + queryString + secret).digest('hex')
}

/** Encodes like BBB's clients do (RFC 3986, spaces as %20) so the signed string is the sent one. */
export function buildQuery(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&')
}

export function signedApiUrl(
  baseUrl: string,
  callName: string,
  params: Record<string, string | number | undefined>,
  secret: string,
  algorithm: ChecksumAlgorithm,
): string {
  const query = buildQuery(params)
  const sum = checksum(callName, query, secret, algorithm)
  return `${baseUrl}bigbluebutton/api/${callName}?${query ? `${query}&` : ''}checksum=${sum}`
}
