// Reads a captured CDS Hooks request (replay, corpus, anything that takes "a Bundle or a hook
// request"): tells one from a Bundle, validates it against the same schema the hook route uses
// (located errors: `hookInstance must be string`), and picks the catalog service that answers it.

import { Ajv, type ValidateFunction } from 'ajv'
import { DomainError, type IssueLocation, expressionOf } from '../errors.js'
import { obj } from '../fhir/resource.js'
import type { Catalog } from '../rules/compiled.js'
import type { ServiceFile } from '../rules/types.js'
import { serviceOf } from './evaluate.js'
import { HookRequestSchema } from './schemas.js'
import type { HookRequest } from './types.js'

/**
 * Meant as a CDS Hooks request, not a FHIR resource: an object with `hook` and no `resourceType`
 * (readHookRequest then locates whatever else is wrong, a missing `context` included).
 */
export function isHookRequest (body: unknown): boolean {
  const o = obj(body)
  return o !== undefined && o.resourceType === undefined && 'hook' in o
}

// The hook route's Ajv settings (src/app.ts): no coercion, nothing removed, every error.
let validate: ValidateFunction | undefined
function validator (): ValidateFunction {
  if (validate !== undefined) return validate
  const ajv = new Ajv({ coerceTypes: false, removeAdditional: false, allErrors: true, strict: false })
  return (validate = ajv.compile(HookRequestSchema))
}

/** The request as the hook route would accept it; else a DomainError('invalid-request') naming each place. */
export function readHookRequest (body: unknown): HookRequest {
  const check = validator()
  if (check(body)) return body as HookRequest
  const issues: IssueLocation[] = (check.errors ?? []).map((e) => {
    const parts = e.instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    const missing = e.keyword === 'required' ? String((e.params as { missingProperty?: string }).missingProperty) : undefined
    if (missing !== undefined) parts.push(missing)
    const expression = expressionOf(parts)
    return { expression, diagnostics: `${expression === '' ? 'request' : expression} ${missing !== undefined ? 'is required' : e.message ?? 'is invalid'}` }
  })
  throw new DomainError('invalid-request', 'not a valid CDS Hooks request', issues)
}

/** The service that answers the request: `serviceId` when given, else the only service of its hook. */
export function serviceForRequest (catalog: Catalog, request: Pick<HookRequest, 'hook'>, serviceId?: string): ServiceFile {
  if (serviceId !== undefined) return serviceOf(catalog, serviceId)
  const candidates = [...catalog.services.values()].filter((s) => s.hook === request.hook)
  if (candidates.length === 1) return candidates[0] as ServiceFile
  const served = [...new Set([...catalog.services.values()].map((s) => s.hook))]
  throw new DomainError('invalid-request', candidates.length === 0
    ? `no service answers hook "${request.hook}"`
    : `${candidates.length} services answer ${request.hook}; name one`,
  [{
    expression: candidates.length === 0 ? 'hook' : 'service',
    diagnostics: candidates.length === 0
      ? `hook must be one of ${served.join(', ')}`
      : `choose the service: ${candidates.map((s) => s.id).join(', ')}`
  }])
}

/**
 * Prefetch keys of the service the request does not carry: the live service fetches them from
 * `fhirServer` (when it has one and may); offline they stay unavailable. A `null` value is not
 * listed: it means "queried, nothing found" and is never fetched.
 */
export function absentPrefetchKeys (service: ServiceFile, request: Pick<HookRequest, 'prefetch'>): string[] {
  const prefetch = request.prefetch ?? {}
  return Object.keys(service.prefetch).filter((k) => !Object.hasOwn(prefetch, k))
}
