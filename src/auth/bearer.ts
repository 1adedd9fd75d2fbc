import { createRemoteJWKSet, decodeJwt, importSPKI, jwtVerify, type JWTVerifyGetKey } from 'jose'
import type { JwtIssuerConfig } from '../config.ts'

type Key = Uint8Array | CryptoKey | JWTVerifyGetKey

/**
 * Verifies tokens that other services sign for their users (API_JWT_ISSUERS, e.g. Pod):
 * algorithms pinned per issuer, `exp` and `sub` required, audience checked when configured.
 */
export function createExternalVerifier(issuers: JwtIssuerConfig[]) {
  const keys = new Map<string, Promise<Key>>()
  const keyOf = (issuer: JwtIssuerConfig): Promise<Key> => {
    let key = keys.get(issuer.issuer)
    if (!key) {
      if (issuer.secret) key = Promise.resolve(new TextEncoder().encode(issuer.secret))
      else if (issuer.publicKey) key = importSPKI(issuer.publicKey, issuer.algorithms?.[0] ?? 'RS256')
      else key = Promise.resolve(createRemoteJWKSet(new URL(issuer.jwksUri!)))
      keys.set(issuer.issuer, key)
    }
    return key
  }
  return {
    /** The issuer config when the (unverified) token names one of ours; undefined otherwise. */
    issuerOf(token: string): JwtIssuerConfig | undefined {
      if (!issuers.length) return undefined
      try {
        const iss = decodeJwt(token).iss
        return issuers.find((i) => i.issuer === iss)
      } catch {
        return undefined
      }
    },
    async verify(token: string, issuer: JwtIssuerConfig): Promise<{ sub: string; exp: number }> {
      const algorithms = issuer.algorithms ?? (issuer.secret ? ['HS256'] : ['RS256'])
      const { payload } = await jwtVerify(token, (await keyOf(issuer)) as Parameters<typeof jwtVerify>[1], {
        issuer: issuer.issuer, audience: issuer.audience, algorithms, requiredClaims: ['exp', 'sub'],
      })
      return { sub: String(payload.sub), exp: payload.exp! }
    },
  }
}
