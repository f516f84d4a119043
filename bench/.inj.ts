import { buildApp } from '../src/app.js'
import { testConfig } from '../src/config.js'
import { loadCatalog } from '../src/rules/catalog.js'
import { orderSelect30k } from './bodies.js'
const catalog = loadCatalog('/work/main/rules/', new Date())
const { app } = await buildApp({ config: testConfig({ LOG_LEVEL: process.env.LL ?? 'info', DATABASE_URL: 'sqlite:/tmp/prof/e.db', RATE_LIMIT_MAX: 100000000 }), catalog, logStream: { write () {} } })
const payload = orderSelect30k()
for (let i = 0; i < Number(process.env.N ?? 4000); i++) await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', headers: { 'content-type': 'application/json' }, payload })
if (process.env.EXIT) process.exit(0)
await app.close()
