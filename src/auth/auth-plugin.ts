import fastifyJwt from '@fastify/jwt'
import type { FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { forbidden, unauthorized } from '../errors.ts'
import type { TokenClaims } from './tokens.ts'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims
    user: TokenClaims
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<void>
  }
}

export default fp(
  async (fastify, options: { secret: string }) => {
    await fastify.register(fastifyJwt, { secret: options.secret, verify: { algorithms: ['HS256'] } })
    fastify.decorate('requireAdmin', async (request: FastifyRequest) => {
      try {
        await request.jwtVerify()
      } catch {
        throw unauthorized()
      }
      if (request.user.admin !== true) throw forbidden()
    })
  },
  { name: 'auth' },
)
