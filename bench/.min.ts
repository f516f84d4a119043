import Fastify from 'fastify'
import { CatalogStore } from '../src/http/catalog-store.js'
import { hookRoutes } from '../src/http/routes/hooks.js'
import { registerHeadersAndCors, registerOverloadProtection, registerRateLimit } from '../src/http/hardening.js'
import { registerBodyLimits } from '../src/http/limits.js'
import { registerErrorHandling } from '../src/http/error-handler.js'
import { hookAudit } from '../src/http/hook-audit.js'
import { Metrics } from '../src/metrics.js'
import { WriteQueue } from '../src/store/queue.js'
import { openStore } from '../src/store/open.js'
import { loadCatalog } from '../src/rules/catalog.js'
import { loggerOptions } from '../src/http/logger.js'
import { orderSelect30k } from './bodies.js'
const on = (k: string) => (process.env.P ?? '').includes(k)
const catalog = loadCatalog('/work/main/rules/', new Date())
const app = Fastify({ logger: on('L') ? loggerOptions('info', { write () {} } as never) : false })
const store = new CatalogStore(catalog)
let k = 0
if (on('E')) registerErrorHandling(app)
if (on('A')) await registerOverloadProtection(app, { maxEventLoopUtilization: 1 })
if (on('B')) await registerHeadersAndCors(app, '')
if (on('H')) {
  const helmet = (await import('helmet')).default
  const headers: Record<string, string> = {}
  const res = { setHeader: (k: string, v: string) => { headers[k.toLowerCase()] = v }, removeHeader: (k: string) => { delete headers[k.toLowerCase()] } }
  helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } })({} as never, res as never, () => {})
  app.addHook('onRequest', (request, reply, done) => { reply.headers(headers); done() })
}
if (on('C')) await registerRateLimit(app, 100000000)
if (on('D')) registerBodyLimits(app)
let onEvaluated
if (on('Q')) {
  const metrics = new Metrics()
  const dataStore = await openStore('sqlite:/tmp/prof/f.db')
  const queue = new WriteQueue(dataStore, {})
  onEvaluated = hookAudit(app, { catalogs: store, queue, metrics, clock: () => new Date(), newId: () => `a${++k}` })
}
hookRoutes(app, { store, clock: () => new Date(), newId: () => `id-${++k}`, profile: catalog.defaultProfile, ...(onEvaluated ? { onEvaluated } : {}) })
await app.ready()
const payload = orderSelect30k()
for (let i = 0; i < 5000; i++) await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', headers: { 'content-type': 'application/json' }, payload })
process.exit(0)
