// Liveness and readiness. Ready = a valid catalog is loaded.

import type { FastifyInstance } from 'fastify'
import type { CatalogStore } from '../catalog-store.js'

export function healthRoutes (app: FastifyInstance, store: CatalogStore): void {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async () => {
    const c = store.current()
    return { status: 'ready', catalog: c.hash, rules: c.content.rules.length, loadedAt: c.loadedAt }
  })
}
