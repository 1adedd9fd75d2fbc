import { createHmac, randomBytes } from 'node:crypto'
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { LRUCache } from 'lru-cache'
import type { AppConfig } from '../config.ts'
import type { SessionsRepository } from './sessions-repository.ts'
import type { UsersRepository } from '../owners/users-repository.ts'
import { forbidden, unauthorized } from '../errors.ts'
import { createExternalVerifier } from './bearer.ts'
import { tokenVerifier } from './tokens.ts'

/** Who is calling: a logged-in session or a bearer token. */
interface Viewer {
  userId: number
  username: string
  email: string | null
  displayName: string | null
  isAdmin: boolean
  via: 'session' | 'token'
  /** How the session was opened (cas, oidc, demo); undefined for tokens. */
  authMethod?: string
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads its own bearer token (METRICS_TOKEN), not a user's. */
    ownBearer?: boolean
  }
  interface FastifyRequest {
    viewer: Viewer | null
  }
  interface FastifyReply {
    /** Opens a new session (a fresh token: the id is renewed at every login). */
    startSession(session: { userId: number; isAdmin: boolean; authMethod: string; casTicket?: string }): Promise<void>
    endSession(): Promise<void>
    /** A CSRF token for this page's forms, valid only with this browser's session. */
    csrfToken(): string
  }
  interface FastifyInstance {
    requireUser(request: FastifyRequest, reply: FastifyReply): Promise<void>
    requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void>
    sessions: SessionsRepository
  }
}

interface AuthOptions {
  sessions: SessionsRepository
  users: UsersRepository
  secret: string
  config: AppConfig
}

export default fp(
  async (fastify, { sessions, users, secret, config }: AuthOptions) => {
    const auth = config.auth
    const cookieName = auth.secureCookies ? '__Host-bbbp_session' : 'bbbp_session'
    const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: auth.secureCookies }
    const external = createExternalVerifier(config.api.jwtIssuers)
    // Cookie signatures and CSRF tokens get their own keys, derived so that one secret is enough to configure.
    const derived = (use: string) => createHmac('sha256', secret).update(use).digest('base64url')
    await fastify.register(fastifyCookie, { secret: derived('cookie-signing') })
    // A CSRF token is bound to the session cookie it was made with: a cookie pair planted from a
    // sibling subdomain or over http is worthless once the victim logs in (the secret rotates too).
    const csrfCookie = auth.secureCookies ? '__Host-bbbp_csrf' : 'bbbp_csrf'
    const csrfKey = derived('csrf')
    const sessionBinding = (request: FastifyRequest) => {
      const session = request.cookies[cookieName]
      // Before login the token is bound to "no session" (the csrf library wants a non-empty value).
      return session ? createHmac('sha256', csrfKey).update(session).digest('base64url') : 'no-session'
    }
    await fastify.register(fastifyCsrf, {
      sessionPlugin: '@fastify/cookie', cookieKey: csrfCookie, cookieOpts: { ...cookieOptions, signed: true },
      getUserInfo: sessionBinding, csrfOpts: { hmacKey: csrfKey },
    })
    fastify.decorateReply('csrfToken', function (this: FastifyReply) {
      return this.generateCsrf({ userInfo: sessionBinding(this.request) })
    })
    fastify.decorate('sessions', sessions)
    fastify.decorateRequest('viewer', null)

    // A client polling with its token would look its user up at every call: keep it a minute.
    const tokenUsers = new LRUCache<string, { id: number; username: string; email: string | null; display_name: string | null }>({ max: 10_000, ttl: 60_000 })
    const userByUsername = async (username: string) => {
      const name = username.trim().toLowerCase()
      const cached = tokenUsers.get(name)
      if (cached) return cached
      const user = await users.ensureUser(name, 'api')
      tokenUsers.set(name, user)
      return user
    }

    // The same token comes back at every poll. A signature checked once stays good until the
    // token's `exp` (nothing else in it can change), so it is checked once, not at each call.
    const verifyOwnToken = tokenVerifier(secret)
    const verifiedTokens = new LRUCache<string, { sub: string; admin: boolean }>({ max: 10_000 })
    const verifyToken = async (token: string) => {
      const known = verifiedTokens.get(token)
      if (known) return known
      const issuer = external.issuerOf(token)
      let claims: { sub: string; admin: boolean; exp: number }
      try {
        claims = issuer ? { ...(await external.verify(token, issuer)), admin: false } : verifyOwnToken(token)
      } catch {
        throw unauthorized('The bearer token is invalid or expired.')
      }
      // The subject becomes a username: a signed token naming nobody (or not by a name) is refused.
      if (typeof claims.sub !== 'string' || !/^[^\u0000-\u001f]{1,100}$/.test(claims.sub.trim())) {
        throw unauthorized('The bearer token names no user (its sub claim).')
      }
      const ttl = Math.floor(claims.exp * 1000 - Date.now())
      if (ttl > 0) verifiedTokens.set(token, { sub: claims.sub, admin: claims.admin === true }, { ttl })
      return claims
    }

    const fromBearer = async (request: FastifyRequest, token: string): Promise<Viewer> => {
      const claims = await verifyToken(token)
      const user = await userByUsername(claims.sub)
      return { userId: user.id, username: user.username, email: user.email, displayName: user.display_name, isAdmin: claims.admin === true, via: 'token' }
    }

    const fromCookie = async (token: string): Promise<Viewer | null> => {
      const now = new Date()
      const found = await sessions.find(token, new Date(now.getTime() - auth.sessionIdleSeconds * 1000))
      if (!found) return null
      // One write a minute at most: enough for an idle timeout counted in minutes.
      if (now.getTime() - new Date(found.last_seen_at).getTime() > 60_000) await sessions.touch(found.token_hash, now)
      return { userId: found.user_id, username: found.username, email: found.email, displayName: found.display_name, isAdmin: found.is_admin, via: 'session', authMethod: found.auth_method }
    }

    fastify.addHook('onRequest', async (request) => {
      const header = request.headers.authorization
      if (header?.startsWith('Bearer ') && !request.routeOptions.config.ownBearer) {
        request.viewer = await fromBearer(request, header.slice(7).trim())
        return
      }
      const token = request.cookies[cookieName]
      if (token) request.viewer = await fromCookie(token)
    })

    // A request authenticated by cookie must prove it comes from our pages (CSRF); a bearer
    // token cannot be sent by another site's form, so it needs no such proof.
    const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
    fastify.decorate('requireUser', async function (this: typeof fastify, request: FastifyRequest, reply: FastifyReply) {
      if (!request.viewer) throw unauthorized()
      if (request.viewer.via === 'session' && unsafe.has(request.method)) {
        await new Promise<void>((resolve, reject) => fastify.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())))
      }
    })
    fastify.decorate('requireAdmin', async function (request: FastifyRequest, reply: FastifyReply) {
      await fastify.requireUser(request, reply)
      if (!request.viewer!.isAdmin) throw forbidden()
    })

    fastify.decorateReply('startSession', async function (this: FastifyReply, session) {
      const previous = this.request.cookies[cookieName]
      if (previous) await sessions.destroy(previous)
      const token = randomBytes(32).toString('base64url')
      await sessions.create({ token, ...session, expiresAt: new Date(Date.now() + auth.sessionMaxSeconds * 1000) })
      this.setCookie(cookieName, token, { ...cookieOptions, maxAge: auth.sessionMaxSeconds })
      this.clearCookie(csrfCookie, cookieOptions)
    })
    fastify.decorateReply('endSession', async function (this: FastifyReply) {
      const token = this.request.cookies[cookieName]
      if (token) await sessions.destroy(token)
      this.clearCookie(cookieName, cookieOptions)
    })

    const purge = setInterval(() => {
      sessions.purgeExpired(new Date(Date.now() - auth.sessionIdleSeconds * 1000)).catch((err) => fastify.log.warn({ err }, 'session purge failed'))
    }, 3_600_000)
    purge.unref()
    fastify.addHook('onClose', async () => clearInterval(purge))
  },
  { name: 'auth' },
)
