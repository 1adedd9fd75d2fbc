import type { AppConfig } from '../config.ts'
import { HttpProblem } from '../errors.ts'
import type { UsersRepository } from '../owners/users-repository.ts'

/** What an SSO login tells us about someone, whatever the protocol. */
export interface SsoIdentity {
  username: string
  email?: string | null
  displayName?: string | null
  affiliations: string[]
  /** Every attribute or claim, multi-valued, for the admin attribute rule. */
  attributes: Record<string, string[]>
}

type AuthConfig = AppConfig['auth']

function isAllowed(identity: SsoIdentity, auth: Pick<AuthConfig, 'allowedAffiliations'>): boolean {
  if (!auth.allowedAffiliations.length) return true
  return identity.affiliations.some((a) => auth.allowedAffiliations.includes(a.toLowerCase()))
}

function isAdmin(identity: SsoIdentity, auth: Pick<AuthConfig, 'adminUsers' | 'adminAttribute'>): boolean {
  if (auth.adminUsers.includes(identity.username.toLowerCase())) return true
  const rule = auth.adminAttribute
  return rule !== undefined && (identity.attributes[rule.name] ?? []).some((v) => v.toLowerCase() === rule.value.toLowerCase())
}

/**
 * The user an SSO identity logs in as: refused (403) outside ALLOWED_AFFILIATIONS unless an
 * admin; otherwise the user the sync created for them (matched as OWNER_MATCH says) or a new one.
 */
export async function admitIdentity(users: Pick<UsersRepository, 'forLogin'>, identity: SsoIdentity, config: Pick<AppConfig, 'auth' | 'owners'>) {
  const admin = isAdmin(identity, config.auth)
  if (!admin && !isAllowed(identity, config.auth)) {
    throw new HttpProblem(403, 'Forbidden', 'Your profile does not give access to this service.', { code: 'profile-refused' })
  }
  return { user: await users.forLogin(identity, config.owners.match), admin }
}
