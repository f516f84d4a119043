// Replays a captured CDS Hooks request offline: the hook route's own evaluateHook(), with no FHIR
// fetcher, so only the captured prefetch is used and the fhirServer is never contacted. Reports
// what the live service would have fetched instead, and which rules that left unjudged.

import { DomainError } from '../errors.js'
import type { Catalog } from '../rules/compiled.js'
import type { HookName } from '../rules/types.js'
import { evaluateHook } from './evaluate.js'
import { type Explanation, explainRun } from './explain.js'
import { absentPrefetchKeys, readHookRequest, serviceForRequest } from './hook-request-input.js'
import type { HookResponse, NewId } from './types.js'

export interface ReplayOptions {
  /** The service the request was posted to; default: the one service of its hook. */
  service?: string
  explain?: boolean
}

export interface HookReplay {
  service: string
  hook: HookName
  hookInstance: string
  profile: string
  fhirServer?: string
  /** Exactly what POST /cds-services/{service} answers (given the same prefetch). */
  response: HookResponse
  /** Prefetch keys absent from the capture: the live service would fetch them from fhirServer. */
  absentKeys: string[]
  /** Keys that ended up unavailable (absent, an EHR OperationOutcome, an unfetched next page). */
  unavailableKeys: string[]
  /** Rules that could not be judged for want of those data (outcome data-unavailable). */
  unjudged: Array<{ rule: string, missingTypes: string[] }>
  explain?: Explanation & { now: string, patientId: string, catalog: string }
}

export async function replayHook (
  body: unknown,
  opts: ReplayOptions,
  deps: { catalog: Catalog, now: Date, newId: NewId, profile: string }
): Promise<HookReplay> {
  const request = readHookRequest(body)
  const service = serviceForRequest(deps.catalog, request, opts.service)
  const absentKeys = absentPrefetchKeys(service, request)
  let evaluation
  try {
    // No fetcher: absent keys stay unavailable, as when the service has no FHIR access.
    evaluation = await evaluateHook(service.id, structuredClone(request), { ...deps })
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== 'prefetch-unobtainable' || request.fhirServer === undefined) throw err
    // The live service would have fetched the required keys; a replay cannot know what it would have got.
    throw new DomainError('prefetch-unobtainable', `required prefetch not captured: ${err.issues.map((i) => i.expression).join(', ')}`,
      err.issues.map((i) => ({
        expression: i.expression,
        diagnostics: `${i.expression} is not in the capture; the live service would fetch it from ${String(request.fhirServer)} — ` +
          'a replay never contacts the FHIR server (capture the request with its prefetch)'
      })))
  }
  const unjudged = evaluation.run.outcomes
    .filter((o) => o.outcome === 'data-unavailable')
    .map((o) => ({ rule: o.key, missingTypes: o.missingTypes ?? [] }))
  return {
    service: service.id,
    hook: service.hook,
    hookInstance: request.hookInstance,
    profile: evaluation.profile,
    ...(request.fhirServer === undefined ? {} : { fhirServer: request.fhirServer }),
    response: { cards: evaluation.cards },
    absentKeys,
    unavailableKeys: evaluation.unavailableKeys,
    unjudged,
    ...(opts.explain === true
      ? {
          explain: {
            now: deps.now.toISOString(),
            patientId: evaluation.record.patientId,
            catalog: deps.catalog.hash,
            ...explainRun(evaluation.run)
          }
        }
      : {})
  }
}
