// GET /metrics: the app's Prometheus registry in the text exposition format.

import type { FastifyInstance } from 'fastify'
import type { Metrics } from '../../metrics.js'

export function metricsRoutes (app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', async (_request, reply) => {
    return await reply.type(metrics.contentType).send(await metrics.text())
  })
}
