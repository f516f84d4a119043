// GET /docs: the committed openapi.yaml (static mode, never generated) in Swagger UI, plus
// /docs/json and /docs/yaml. Route listing excludes these (test/openapi.test.ts).

import { fileURLToPath } from 'node:url'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { openApiDocument } from '../../openapi-document.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

export async function docsRoutes (app: FastifyInstance): Promise<void> {
  await app.register(swagger, { mode: 'static', specification: { document: openApiDocument(ROOT) as never } })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
}
