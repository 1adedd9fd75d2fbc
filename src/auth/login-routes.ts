import fastifyOauth2, { type OAuth2Namespace } from '@fastify/oauth2'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { AppConfig } from '../config.ts'
import type { UsersRepository } from '../owners/users-repository.ts'
import { HttpProblem } from '../errors.ts'
import { casLoginUrl, casLogoutUrl, CasError, isServiceTicket, ticketOfLogoutRequest, validateTicket } from './cas-client.ts'
import { admitIdentity, type SsoIdentity } from './identity.ts'
import { oidcIdentity } from './oidc-claims.ts'
import { safeReturnTo } from './return-to.ts'

declare module 'fastify' {
  interface FastifyInstance {
    oidc?: OAuth2Namespace
  }
}

const RETURN_COOKIE = 'bbbp_return'
const loginFailed = (detail: string) => new HttpProblem(401, 'Login failed', detail)

/** Login and logout: CAS 3, OIDC (code flow, PKCE, state), and the demo's password-less form. */
const loginRoutes: FastifyPluginAsync<{ users: UsersRepository; config: AppConfig }> = async (fastify, { users, config }) => {
  const { auth } = config
  const rateLimit = { rateLimit: config.api.loginRateLimit ? { max: config.api.loginRateLimit, timeWindow: '1 minute' } : (false as const) }
  const casService = `${config.publicUrl}/auth/cas/callback`

  // Where to return after the round trip through the SSO: kept signed, local paths only.
  // Without one, nothing is kept: the login then goes home (an admin's home is the console).
  const rememberReturn = (reply: FastifyReply, returnTo: unknown) =>
    returnTo === undefined ? reply.clearCookie(RETURN_COOKIE, { path: '/', secure: auth.secureCookies })
      : reply.setCookie(RETURN_COOKIE, safeReturnTo(returnTo), { path: '/', httpOnly: true, sameSite: 'lax', secure: auth.secureCookies, signed: true, maxAge: 900 })
  const takeReturn = (request: FastifyRequest, reply: FastifyReply, home: string) => {
    const raw = request.cookies[RETURN_COOKIE]
    reply.clearCookie(RETURN_COOKIE, { path: '/', secure: auth.secureCookies })
    const unsigned = raw ? request.unsignCookie(raw) : undefined
    return safeReturnTo(unsigned?.valid ? unsigned.value : undefined, home)
  }
  const logIn = async (request: FastifyRequest, reply: FastifyReply, identity: SsoIdentity, method: string,
    extra: { casTicket?: string; admin?: boolean } = {}) => {
    const { user, admin } = await admitIdentity(users, identity, config)
    const isAdmin = admin || extra.admin === true
    await reply.startSession({ userId: user.id, isAdmin, authMethod: method, casTicket: extra.casTicket })
    request.log.info({ user: user.username, method }, 'login')
    // Without a page to go back to, an admin lands on the console, a teacher on their recordings.
    return reply.redirect(takeReturn(request, reply, isAdmin ? '/admin' : '/recordings'), 303)
  }

  fastify.get('/login', { config: rateLimit }, async (request, reply) => {
    rememberReturn(reply, (request.query as { returnTo?: unknown }).returnTo)
    return reply.page('login', { titleKey: 'login.title', methods: { cas: auth.methods.includes('cas'), oidc: auth.methods.includes('oidc'), demo: auth.methods.includes('demo') }, none: !auth.methods.length })
  })

  if (auth.methods.includes('cas') && auth.cas) {
    const cas = auth.cas
    fastify.get('/auth/cas', { config: rateLimit }, async (_request, reply) => reply.redirect(casLoginUrl(cas, casService), 303))

    fastify.get('/auth/cas/callback', { config: rateLimit }, async (request, reply) => {
      const { ticket } = request.query as { ticket?: unknown }
      if (!isServiceTicket(ticket)) throw loginFailed('The CAS server sent no valid service ticket.')
      // CAS refuses a second validation itself; a ticket bound to a session is refused here too.
      if (await fastify.sessions.casTicketUsed(ticket)) throw loginFailed('This CAS ticket was already used.')
      let identity: SsoIdentity
      try {
        identity = await validateTicket(cas, casService, ticket)
      } catch (error) {
        if (error instanceof CasError) {
          request.log.warn({ reason: error.message }, 'CAS validation failed')
          throw loginFailed(error.code === 'INVALID_TICKET' ? 'This CAS ticket is invalid, expired or already used.' : 'The CAS server could not confirm the login.')
        }
        throw error
      }
      return logIn(request, reply, identity, 'cas', { casTicket: ticket })
    })

    // Single logout: CAS POSTs a SAML LogoutRequest naming the service ticket; no CSRF token
    // can come with it, and it is only ever acted upon for tickets we bound a session to.
    fastify.post('/auth/cas/callback', async (request, reply) => {
      const ticket = ticketOfLogoutRequest((request.body as { logoutRequest?: unknown } | undefined)?.logoutRequest)
      if (ticket) {
        const ended = await fastify.sessions.destroyByCasTicket(ticket)
        request.log.info({ ended }, 'CAS single logout')
      }
      return reply.status(204).send()
    })
  }

  if (auth.methods.includes('oidc') && auth.oidc) {
    const oidc = auth.oidc
    await fastify.register(fastifyOauth2, {
      name: 'oidc',
      scope: oidc.scope,
      credentials: { client: { id: oidc.clientId, secret: oidc.clientSecret } },
      discovery: { issuer: oidc.issuer },
      callbackUri: `${config.publicUrl}/auth/oidc/callback`,
      pkce: 'S256',
      cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: auth.secureCookies },
    })
    fastify.get('/auth/oidc', { config: rateLimit }, async (request, reply) => {
      return reply.redirect(await fastify.oidc!.generateAuthorizationUri(request, reply), 303)
    })
    fastify.get('/auth/oidc/callback', { config: rateLimit }, async (request, reply) => {
      let identity: SsoIdentity
      try {
        const { token } = await fastify.oidc!.getAccessTokenFromAuthorizationCodeFlow(request, reply)
        identity = oidcIdentity((await fastify.oidc!.userinfo(token.access_token)) as Record<string, unknown>, oidc)
      } catch (error) {
        request.log.warn({ reason: (error as Error).message }, 'OIDC login failed')
        throw loginFailed('The identity provider could not confirm the login.')
      }
      return logIn(request, reply, identity, 'oidc')
    })
  }

  if (auth.methods.includes('demo')) {
    const demoBody = z.object({ username: z.string().trim().regex(/^[a-z0-9._@-]{1,64}$/i, 'letters, digits, ".", "_", "@" or "-"'), admin: z.string().optional() })
    fastify.post('/auth/demo', { preHandler: fastify.csrfProtection, config: rateLimit }, async (request, reply) => {
      const { username, admin } = demoBody.parse(request.body)
      const name = username.toLowerCase()
      const identity: SsoIdentity = { username: name, displayName: name, email: `${name}@demo.invalid`, affiliations: ['faculty'], attributes: {} }
      // The demo's "Administrateur" box stands for the SSO attribute that would say so.
      return logIn(request, reply, identity, 'demo', { admin: admin === 'on' })
    })
  }

  fastify.post('/logout', { preHandler: fastify.csrfProtection }, async (request, reply) => {
    const method = request.viewer?.authMethod
    await reply.endSession()
    // Leaving the CAS session too, or the next click on "log in" would skip the password.
    if (method === 'cas' && auth.cas) return reply.redirect(casLogoutUrl(auth.cas, `${config.publicUrl}/login`), 303)
    return reply.redirect('/login', 303)
  })
}

export default loginRoutes
