import { createSigner, createVerifier } from 'fast-jwt'
import { parseDuration } from '../config.ts'

export interface TokenClaims {
  sub: string
  admin: boolean
}

/** A bearer token for the REST API, HS256 with our secret. */
export function signToken(secret: string, claims: TokenClaims, ttl = '1h'): string {
  const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: parseDuration(ttl) * 1000 })
  return sign({ sub: claims.sub.toLowerCase(), admin: claims.admin })
}

/** Checks our own bearer tokens: HS256 only, `exp` and `sub` required; throws on anything else. */
export function tokenVerifier(secret: string): (token: string) => TokenClaims & { exp: number } {
  return createVerifier({ key: secret, algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] })
}
