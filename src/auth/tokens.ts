import { createSigner } from 'fast-jwt'
import { parseDuration } from '../config.ts'

export interface TokenClaims {
  sub: string
  admin: boolean
}

/** A bearer token for the REST API (HS256, the algorithm @fastify/jwt verifies). */
export function signToken(secret: string, claims: TokenClaims, ttl = '1h'): string {
  const sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: parseDuration(ttl) * 1000 })
  return sign({ sub: claims.sub.toLowerCase(), admin: claims.admin })
}
