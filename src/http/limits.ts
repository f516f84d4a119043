// preValidation hook: the structural bounds of src/cds/limits.ts on every parsed JSON body,
// before schema validation or the domain walk it.

import type { FastifyInstance } from 'fastify'
import { checkRequestLimits } from '../cds/limits.js'

export function registerBodyLimits (app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined) checkRequestLimits(request.body)
  })
}
