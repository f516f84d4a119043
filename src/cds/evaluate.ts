// The domain entry points: evaluate a CDS Hooks call, or a plain record, against the catalog.
// Pure apart from the injected clock, id generator and FHIR fetcher; inputs are never mutated.

import { DomainError } from '../errors.js'
import { evaluationTime } from '../fhir/dates.js'
import type { FhirFetcher } from '../fhir/fetcher.js'
import { EvaluationRecord } from '../fhir/record.js'
import type { Resource } from '../fhir/resource.js'
import type { Catalog, ProfileCatalog } from '../rules/compiled.js'
import { type RunResult, runRules } from '../rules/run-rules.js'
import type { HookName, ServiceFile } from '../rules/types.js'
import { cardsFor } from './cards.js'
import { readContext } from './context.js'
import { resolvePrefetch } from './prefetch.js'
import type { Card, HookRequest, NewId } from './types.js'

export interface EvaluateDeps {
  catalog: Catalog
  now: Date
  newId: NewId
  profile?: string
  fetcher?: FhirFetcher
}

export interface Evaluation {
  service: string
  hook: HookName
  profile: string
  cards: Card[]
  run: RunResult
  record: EvaluationRecord
  unavailableKeys: string[]
}

export function profileOf (catalog: Catalog, name: string | undefined): ProfileCatalog {
  const profile = catalog.profiles.get(name ?? catalog.defaultProfile)
  if (profile === undefined) {
    throw new DomainError('invalid-request', `unknown evidence profile "${String(name)}"`,
      [{ expression: 'profile', diagnostics: `profile must be one of ${[...catalog.profiles.keys()].join(', ')}` }])
  }
  return profile
}

export function serviceOf (catalog: Catalog, id: string): ServiceFile {
  const service = catalog.services.get(id)
  if (service === undefined) throw new DomainError('unknown-service', `no CDS service with id "${id}"`, [{ expression: 'id', diagnostics: `unknown service "${id}"; see GET /cds-services` }])
  return service
}

/** A CDS Hooks call: request validated, prefetch resolved (or fetched), rules run, cards shaped. */
export async function evaluateHook (serviceId: string, request: HookRequest, deps: EvaluateDeps): Promise<Evaluation> {
  const service = serviceOf(deps.catalog, serviceId)
  if (request.hook !== service.hook) {
    throw new DomainError('invalid-request', `service ${service.id} answers ${service.hook}, not ${request.hook}`,
      [{ expression: 'hook', diagnostics: `hook must be "${service.hook}" for service ${service.id}` }])
  }
  if (request.fhirAuthorization !== undefined && request.fhirServer === undefined) {
    throw new DomainError('invalid-request', 'fhirAuthorization requires fhirServer',
      [{ expression: 'fhirServer', diagnostics: 'fhirServer is required when fhirAuthorization is present' }])
  }
  const profile = profileOf(deps.catalog, deps.profile)
  const context = readContext(service.hook, request.context)
  const prefetch = await resolvePrefetch(service, request, context.patientId, deps.fetcher)
  const record = new EvaluationRecord({
    patientId: context.patientId,
    resources: prefetch.resources,
    draftOrders: context.draftOrders,
    selections: context.selections,
    unavailableTypes: prefetch.unavailableTypes,
    time: evaluationTime(deps.now)
  })
  const run = await runRules(deps.catalog, profile, record, service.hook)
  return {
    service: service.id,
    hook: service.hook,
    profile: profile.name,
    cards: cardsFor(run, context.patientId, deps.newId),
    run,
    record,
    unavailableKeys: prefetch.unavailableKeys
  }
}

export interface RecordInputs {
  patientId: string
  resources: Resource[]
  draftOrders: Resource[]
  patientAliases?: string[]
  /** Extra reference keys (bundle fullUrls) resolving to resources of the record. */
  references?: Array<readonly [string, Resource]>
}

/** A plain record (evaluate endpoint, CLI, rule cases): everything supplied, nothing to fetch. */
export async function evaluateRecord (hook: HookName, input: RecordInputs, deps: EvaluateDeps): Promise<Omit<Evaluation, 'service' | 'unavailableKeys'>> {
  const profile = profileOf(deps.catalog, deps.profile)
  const record = new EvaluationRecord({
    patientId: input.patientId,
    resources: input.resources,
    draftOrders: input.draftOrders,
    selections: [],
    unavailableTypes: new Set(),
    time: evaluationTime(deps.now),
    ...(input.patientAliases === undefined ? {} : { patientAliases: input.patientAliases }),
    ...(input.references === undefined ? {} : { references: input.references })
  })
  const run = await runRules(deps.catalog, profile, record, hook)
  return { hook, profile: profile.name, cards: cardsFor(run, input.patientId, deps.newId), run, record }
}
