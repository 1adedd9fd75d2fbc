import { createServer } from 'node:http'
import Provider from 'oidc-provider'
import { freePort } from './net.ts'

export const oidcUser = { sub: 'u-4242', preferred_username: 'MMartin', email: 'marie.martin@univ.example', name: 'Marie Martin', eduperson_affiliation: ['staff', 'member'] }
export const oidcClient = { client_id: 'bbb-portal', client_secret: 'bbb-portal-client-secret-0123456789' }

/** npm oidc-provider on 127.0.0.1 with one confidential client and its development login pages. */
export async function startOidcProvider(redirectUri: string) {
  const port = await freePort()
  const issuer = `http://127.0.0.1:${port}`
  const provider = new Provider(issuer, {
    clients: [{ ...oidcClient, redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'eduperson_affiliation'], email: ['email'] },
    scopes: ['openid', 'profile', 'email'],
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ ...oidcUser, sub: id }) }),
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['test-only-cookie-key'] },
  })
  const server = createServer(provider.callback())
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return { issuer, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
