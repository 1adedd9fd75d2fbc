// Reference servers of the api case, on the same machine, each in its own process: Fastify's
// hello world, or (given a file) Fastify answering that file's JSON from memory, which is the
// most any handler can do with an answer of that size.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

const body = process.argv[2] ? readFileSync(process.argv[2], 'utf8') : undefined
const fastify = Fastify({ logger: false })
fastify.get('/', async (_request, reply) => (body === undefined ? { hello: 'world' } : reply.type('application/json; charset=utf-8').send(body)))
const address = await fastify.listen({ host: '127.0.0.1', port: 0 })
console.log(address)
