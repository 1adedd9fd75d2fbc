// The reference server of the api case: Fastify's hello world, on the same machine, in its own process.
import Fastify from 'fastify'

const fastify = Fastify({ logger: false })
fastify.get('/', async () => ({ hello: 'world' }))
const address = await fastify.listen({ host: '127.0.0.1', port: 0 })
console.log(address)
