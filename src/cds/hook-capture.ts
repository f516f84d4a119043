// Evaluates a captured CDS Hooks request offline (POST /evaluate, what-if): the hook from the
// body, the record from its prefetch only (its fhirServer is never called), the orders from
// context.draftOrders. Absent prefetch keys are reported: what the live service would have fetched.

import { DomainError, type IssueLocation } from '../errors.js'
import { obj, str } from '../fhir/resource.js'
import type { Catalog } from '../rules/compiled.js'
import { HOOKS, type HookName } from '../rules/types.js'
import { evaluateHook } from './evaluate.js'
import type { Card, HookRequest, NewId } from './types.js'
import { isHookRequest } from './hook-request-input.js'

export { isHookRequest }

export interface CapturedEvaluation {
  hook: HookName
  service: string
  hookInstance: string
  patientId: string
  cards: Card[]
  draftOrders: number
  resources: number
  run: Awaited<ReturnType<typeof evaluateHook>>['run']
  profile: string
  /** Prefetch keys of the service the request did not carry (the live service would fetch them). */
  absentPrefetch: Array<{ key: string, template: string, required: boolean, covers: string[] }>
  /** Keys carried but unusable (an OperationOutcome, an unfetched next page): their types count as unavailable. */
  unavailablePrefetch: string[]
}

function readEnvelope (body: unknown, catalog: Catalog, service?: string): { request: HookRequest, serviceId: string } {
  const o = obj(body) as Record<string, unknown>
  const issues: IssueLocation[] = []
  const hook = str(o.hook)
  const served = [...catalog.services.values()]
  if (hook === undefined || !(HOOKS as readonly string[]).includes(hook) || !served.some((s) => s.hook === hook)) {
    issues.push({ expression: 'hook', diagnostics: `hook must be one of ${[...new Set(served.map((s) => s.hook))].join(', ')}; got ${JSON.stringify(o.hook ?? null)}` })
  }
  if (typeof o.hookInstance !== 'string' || o.hookInstance === '') issues.push({ expression: 'hookInstance', diagnostics: 'hookInstance must be a non-empty string' })
  if (obj(o.context) === undefined) issues.push({ expression: 'context', diagnostics: 'context must be a JSON object' })
  if (o.prefetch !== undefined && o.prefetch !== null && obj(o.prefetch) === undefined) issues.push({ expression: 'prefetch', diagnostics: 'prefetch must be a JSON object of key → resource' })
  if (issues.length > 0) throw new DomainError('invalid-request', 'the CDS Hooks request is invalid', issues)
  const chosen = service === undefined ? served.find((s) => s.hook === hook) : catalog.services.get(service)
  if (chosen === undefined) throw new DomainError('invalid-request', `unknown service "${String(service)}"`, [{ expression: 'service', diagnostics: `service must be one of ${served.map((s) => s.id).join(', ')}` }])
  // Offline: the server and its token are dropped, so nothing is ever fetched.
  const { fhirServer: _server, fhirAuthorization: _token, ...rest } = o
  return { request: { ...rest, prefetch: obj(o.prefetch) ?? {} } as unknown as HookRequest, serviceId: chosen.id }
}

export async function evaluateCaptured (
  body: unknown,
  opts: { service?: string },
  deps: { catalog: Catalog, now: Date, newId: NewId, profile: string }
): Promise<CapturedEvaluation> {
  const { request, serviceId } = readEnvelope(body, deps.catalog, opts.service)
  const service = deps.catalog.services.get(serviceId)
  if (service === undefined) throw new DomainError('invalid-request', `unknown service "${serviceId}"`)
  const prefetch = request.prefetch ?? {}
  const absentPrefetch = Object.entries(service.prefetch).filter(([key]) => !(key in prefetch))
    .map(([key, def]) => ({ key, template: def.template, required: def.required, covers: def.covers }))
  let evaluation
  try {
    const { catalog, now, newId, profile } = deps
    evaluation = await evaluateHook(serviceId, request, { catalog, now, newId, profile })
  } catch (err) {
    // Offline there is no server to fetch a required key from: the capture itself lacks it (400, located).
    if (err instanceof DomainError && err.code === 'prefetch-unobtainable') {
      throw new DomainError('invalid-request', `the captured request lacks required prefetch: ${err.issues.map((i) => i.expression).join(', ')}`,
        err.issues.map((i) => ({ expression: i.expression, diagnostics: `${i.expression} is required and absent; the live service would fetch it from fhirServer, which is never called offline` })))
    }
    throw err
  }
  return {
    hook: evaluation.hook,
    service: serviceId,
    hookInstance: String(request.hookInstance),
    patientId: evaluation.record.patientId,
    cards: evaluation.cards,
    draftOrders: evaluation.record.draftOrders.length,
    resources: evaluation.record.size,
    run: evaluation.run,
    profile: evaluation.profile,
    absentPrefetch,
    unavailablePrefetch: evaluation.unavailableKeys.filter((k) => k in prefetch)
  }
}
