// POST /cds-services/{id}/feedback (CDS Hooks 2.0), GET /feedback/summary and GET /feedback/timeseries
// (the workbench dashboard): thin adapters to src/feedback. Feedback is answered 200 only once its rows
// are committed (group commit through the queue); when the store cannot commit them, 503 with
// Retry-After. The summary and the time series flush the queue first so they read their writes.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { serviceOf } from '../../cds/evaluate.js'
import { feedbackEntries, parseSince } from '../../feedback/feedback.js'
import { timeseriesQuery } from '../../feedback/timeseries-query.js'
import type { Metrics } from '../../metrics.js'
import type { WriteQueue } from '../../store/queue.js'
import type { Store } from '../../store/types.js'
import { storeErrorCode } from '../../store/errors.js'
import type { CatalogHolder } from '../../rules/catalog-holder.js'
import { FeedbackRequestSchema, ServiceParams } from '../schemas.js'
import { storeUnavailable } from '../unavailable.js'

const SummaryQuery = Type.Object({
  since: Type.Optional(Type.String({ maxLength: 64 })),
  service: Type.Optional(Type.String({ minLength: 1, maxLength: 100 }))
}, { additionalProperties: false })

const TimeseriesQuerySchema = Type.Object({
  since: Type.Optional(Type.String({ maxLength: 64 })),
  bucket: Type.Optional(Type.String({ maxLength: 10 })),
  rule: Type.Optional(Type.String({ minLength: 1, maxLength: 100 }))
}, { additionalProperties: false })

const Count = Type.Integer({ minimum: 0 })
export const TimeseriesSchema = Type.Object({
  bucket: Type.Union([Type.Literal('day'), Type.Literal('week')]),
  since: Type.String({ format: 'date-time' }),
  series: Type.Array(Type.Object({
    rule: Type.String(),
    version: Type.String(),
    points: Type.Array(Type.Object({
      start: Type.String({ format: 'date-time' }),
      shown: Count,
      accepted: Count,
      overridden: Count,
      overrideRate: Type.Unsafe<number | null>({ type: 'number', nullable: true })
    })),
    topOverrideReasons: Type.Array(Type.Object({
      code: Type.String(),
      system: Type.Optional(Type.String()),
      display: Type.Optional(Type.String()),
      count: Count
    }))
  }))
})

export interface FeedbackRouteDeps {
  catalogs: CatalogHolder
  store: Store
  queue: WriteQueue
  metrics: Metrics
  clock: () => Date
  newId: () => string
}

export function feedbackRoutes (app: FastifyInstance, deps: FeedbackRouteDeps): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/cds-services/:id/feedback', {
    schema: { params: ServiceParams, body: FeedbackRequestSchema },
    preValidation: async (request) => { serviceOf(deps.catalogs.current(), request.params.id) }
  }, async (request, reply) => {
    const entries = feedbackEntries(request.params.id, request.body, { now: deps.clock(), newId: deps.newId })
    try {
      await deps.queue.enqueueDurable(entries)
    } catch (err) {
      request.log.error({ service: request.params.id, entries: entries.length, code: storeErrorCode(err) }, 'feedback not stored: store cannot commit')
      return storeUnavailable(reply, 'feedback could not be stored')
    }
    for (const e of entries) deps.metrics.feedback(e.outcome)
    request.log.info({ service: request.params.id, entries: entries.length, outcomes: entries.map((e) => e.outcome) }, 'feedback received')
    return await reply.code(200).send()
  })

  app.get<{ Querystring: { since?: string, service?: string } }>('/feedback/summary', {
    config: { adminToken: true },
    schema: { querystring: SummaryQuery }
  }, async (request) => {
    const since = parseSince(request.query.since)
    await deps.queue.flush()
    return await deps.store.summary({
      ...(since === undefined ? {} : { since }),
      ...(request.query.service === undefined ? {} : { service: request.query.service })
    })
  })

  // The workbench dashboard: per rule and version, cards shown / accepted / overridden per day or week.
  app.get<{ Querystring: { since?: string, bucket?: string, rule?: string } }>('/feedback/timeseries', {
    config: { adminToken: true },
    schema: { querystring: TimeseriesQuerySchema, response: { 200: TimeseriesSchema } }
  }, async (request) => {
    const q = timeseriesQuery(request.query, deps.clock())
    await deps.queue.flush()
    return await deps.store.timeseries(q)
  })
}
