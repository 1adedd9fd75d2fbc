// Reference servers of the api case, on the same machine, each in its own process: Fastify's
// hello world, or (given a file) Fastify answering that file's JSON from memory.
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'

// Kept as bytes, as our answer cache keeps them: the most any handler can do with an answer that size.
const body = process.argv[2] ? readFileSync(process.argv[2]) : undefined
const fastify = Fastify({ logger: false })
fastify.get('/', async (_request, reply) => (body === undefined ? { hello: 'world' } : reply.type('application/json; charset=utf-8').send(body)))
const address = await fastify.listen({ host: '127.0.0.1', port: 0 })
console.log(address)
