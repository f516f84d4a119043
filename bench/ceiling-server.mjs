// The practical ceiling on this machine: a bare Fastify server that parses the JSON body (same
// secure parser and body limit) and answers {"cards":[]}. Usage: node bench/ceiling-server.mjs PORT
import Fastify from 'fastify'

const app = Fastify({ logger: false, bodyLimit: 5_242_880 })
app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))
app.get('/cds-services', async () => ({ services: [] }))
app.post('/cds-services/:id', async (request) => ({ cards: [], n: typeof request.body === 'object' ? 0 : 1 }))
await app.listen({ host: '127.0.0.1', port: Number(process.argv[2] ?? 3902) })
process.stdout.write('ready\n')
