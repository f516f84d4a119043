// POST /cds-services/{id}: a thin adapter from HTTP to evaluateHook() and back, with one log
// line per call (service, hookInstance, rules fired, card count, duration; never PHI).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FhirServerPolicy } from '../../auth/fhir-server-policy.js'
import { type Evaluation, evaluateHook, serviceOf } from '../../cds/evaluate.js'
import type { FhirFetcher } from '../../fhir/fetcher.js'
import type { NewId } from '../../cds/types.js'
import { DomainError } from '../../errors.js'
import type { CatalogHolder } from '../../rules/catalog-holder.js'
import { HookRequestSchema, HookResponseSchema, ServiceParams } from '../schemas.js'

export interface HookRouteDeps {
  catalogs: CatalogHolder
  clock: () => Date
  newId: NewId
  profile: string
  fetcher?: FhirFetcher
  /** Which fhirServer the caller may name (checked before anything is fetched); absent = any. */
  fhirServerPolicy?: FhirServerPolicy
  onEvaluated?: OnEvaluated
}
/** Told of each evaluation (audit, issued cards and metrics are recorded when the answer is sent). */
export type OnEvaluated = (request: FastifyRequest, evaluation: Evaluation) => void

export function hookRoutes (app: FastifyInstance, deps: HookRouteDeps): void {
  app.withTypeProvider<TypeBoxTypeProvider>().post('/cds-services/:id', {
    schema: { params: ServiceParams, body: HookRequestSchema, response: { 200: HookResponseSchema } },
    // An unknown service is a 404 whatever the body holds, so check it before body validation.
    preValidation: async (request) => { serviceOf(deps.catalogs.current(), request.params.id) }
  }, async (request) => {
    const started = performance.now()
    const { fhirServer } = request.body
    // Before anything is fetched: the FHIR token goes only to a server this caller may name.
    const refusal = fhirServer === undefined
      ? undefined
      : deps.fhirServerPolicy?.refusal(fhirServer, request.caller?.iss)
    if (refusal !== undefined) {
      throw new DomainError('invalid-request', refusal, [{ expression: 'fhirServer', diagnostics: refusal }])
    }
    const evaluation = await evaluateHook(request.params.id, request.body, {
      catalog: deps.catalogs.current(),
      now: deps.clock(),
      newId: deps.newId,
      profile: deps.profile,
      ...(deps.fetcher === undefined ? {} : { fetcher: deps.fetcher })
    })
    deps.onEvaluated?.(request, evaluation)
    request.log.info({
      service: evaluation.service,
      hookInstance: request.body.hookInstance,
      profile: evaluation.profile,
      rulesFired: evaluation.run.outcomes.filter((o) => o.outcome === 'fired').map((o) => `${o.key}@${o.rule.rule.version}`),
      dataUnavailable: evaluation.unavailableKeys,
      cards: evaluation.cards.length,
      durationMs: Math.round((performance.now() - started) * 100) / 100
    }, 'hook evaluated')
    return { cards: evaluation.cards }
  })
}
