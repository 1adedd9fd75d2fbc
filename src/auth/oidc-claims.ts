import type { SsoIdentity } from './identity.ts'

const values = (v: unknown): string[] => (v === undefined || v === null ? [] : [v].flat().map(String))

/** Maps userinfo claims: the username claim (preferred_username by default), email, name. */
export function oidcIdentity(claims: Record<string, unknown>, oidc: { usernameClaim: string; affiliationClaim: string }): SsoIdentity {
  const username = values(claims[oidc.usernameClaim])[0]?.trim().toLowerCase()
  if (!username) throw new Error(`the identity provider sent no ${oidc.usernameClaim} claim`)
  const attributes = Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, values(v)]))
  const name = values(claims.name)[0] ?? ([values(claims.given_name)[0], values(claims.family_name)[0]].filter(Boolean).join(' ') || null)
  return { username, email: values(claims.email)[0] ?? null, displayName: name, affiliations: attributes[oidc.affiliationClaim] ?? [], attributes }
}
