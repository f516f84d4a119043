// GET /cds-services: CDS Hooks 2.0 discovery, from rules/services.json (internal prefetch
// metadata such as `covers`/`required` is never published).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { CatalogHolder } from '../../rules/catalog-holder.js'
import { DiscoveryResponseSchema } from '../schemas.js'

export function discoveryRoutes (app: FastifyInstance, catalogs: CatalogHolder): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get('/cds-services', { schema: { response: { 200: DiscoveryResponseSchema } } }, async () => ({
    services: [...catalogs.current().services.values()].map((s) => ({
      hook: s.hook,
      id: s.id,
      title: s.title,
      description: s.description,
      ...(s.usageRequirements === undefined ? {} : { usageRequirements: s.usageRequirements }),
      prefetch: Object.fromEntries(Object.entries(s.prefetch).map(([k, v]) => [k, v.template]))
    }))
  }))
}
