// Liveness and readiness. Ready = a valid catalog is loaded and the store can write now (a write
// probe, see src/store/health.ts); 503 with Retry-After while it cannot, 200 again once it can.

import type { FastifyInstance } from 'fastify'
import type { StoreHealth } from '../../store/health.js'
import type { CatalogHolder } from '../../rules/catalog-holder.js'
import { STORE_RETRY_AFTER_SECONDS } from '../unavailable.js'

export function healthRoutes (app: FastifyInstance, catalogs: CatalogHolder, storeHealth: StoreHealth): void {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_request, reply) => {
    const c = catalogs.current()
    const state = await storeHealth.check()
    const body = { catalog: c.hash, rules: c.content.rules.length, loadedAt: c.loadedAt, store: state }
    if (!state.writable) {
      return await reply.code(503).header('retry-after', STORE_RETRY_AFTER_SECONDS)
        .send({ status: 'unavailable', reason: 'the store cannot write', ...body })
    }
    return { status: 'ready', ...body }
  })
}
