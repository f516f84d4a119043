// Resolves the prefetch of one hook call into resources and data availability, in the four
// states of CDS Hooks 2.0: key absent (fetch from fhirServer, else 412 if required or
// "unavailable"), null (queried, nothing found), a resource or searchset Bundle (used; paged
// when `link[next]` is present), an OperationOutcome (the EHR could not get it: unavailable).

import { DomainError, type IssueLocation } from '../errors.js'
import { type Resource, isResource, obj, str } from '../fhir/resource.js'
import type { FhirFetcher } from '../fhir/fetcher.js'
import type { ServiceFile } from '../rules/types.js'
import { fillTemplate } from './prefetch-templates.js'
import type { HookRequest } from './types.js'

export interface PrefetchResolution {
  resources: Resource[]
  unavailableTypes: Set<string>
  /** Keys that were absent and fetched from the FHIR server. */
  fetchedKeys: string[]
  /** Keys that ended up unavailable (absent and unfetchable, EHR error, unpaged). */
  unavailableKeys: string[]
}

interface KeyResult { resources: Resource[], available: boolean, nextUrl?: string }

function readValue (key: string, raw: unknown, issues: IssueLocation[]): KeyResult {
  if (raw === null) return { resources: [], available: true }
  // Pre-1.0 clients wrapped values as { response, resource }; unwrap them.
  const wrapped = obj(raw)
  const value = wrapped !== undefined && wrapped.resourceType === undefined && isResource(wrapped.resource)
    ? wrapped.resource
    : raw
  if (!isResource(value)) {
    issues.push({ expression: `prefetch.${key}`, diagnostics: `prefetch.${key} must be a FHIR resource, a Bundle or null` })
    return { resources: [], available: false }
  }
  if (value.resourceType === 'OperationOutcome') return { resources: [], available: false }
  if (value.resourceType !== 'Bundle') return { resources: [value], available: true }
  const entries = value.entry
  if (entries !== undefined && !Array.isArray(entries)) {
    issues.push({ expression: `prefetch.${key}.entry`, diagnostics: 'Bundle.entry must be an array' })
    return { resources: [], available: false }
  }
  const resources: Resource[] = []
  let failed = false
  for (const [i, e] of (entries as unknown[] | undefined ?? []).entries()) {
    const r = obj(e)?.resource
    if (r === undefined) continue
    if (!isResource(r)) {
      issues.push({ expression: `prefetch.${key}.entry[${i}].resource`, diagnostics: 'entry.resource must be a FHIR resource with a resourceType' })
      continue
    }
    if (r.resourceType === 'OperationOutcome') {
      const severe = Array.isArray(r.issue) && r.issue.some((x) => ['error', 'fatal'].includes(String(obj(x)?.severity)))
      if (severe) failed = true
      continue
    }
    resources.push(r)
  }
  const next = Array.isArray(value.link)
    ? value.link.map(obj).find((l) => l?.relation === 'next')
    : undefined
  const nextUrl = str(next?.url)
  return { resources, available: !failed, ...(nextUrl === undefined ? {} : { nextUrl }) }
}

export async function resolvePrefetch (
  service: ServiceFile,
  request: HookRequest,
  patientId: string,
  fetcher: FhirFetcher | undefined
): Promise<PrefetchResolution> {
  const prefetch = request.prefetch ?? {}
  const issues: IssueLocation[] = []
  const resources: Resource[] = []
  const unavailableKeys: string[] = []
  const toFetch: Array<{ key: string, url: string }> = []
  const results = new Map<string, KeyResult>()

  for (const [key, value] of Object.entries(prefetch)) results.set(key, readValue(key, value, issues))
  if (issues.length > 0) throw new DomainError('invalid-request', 'prefetch is malformed', issues)

  const canFetch = fetcher !== undefined && typeof request.fhirServer === 'string'
  for (const [key, def] of Object.entries(service.prefetch)) {
    const r = results.get(key)
    if (r === undefined) {
      const url = fillTemplate(def.template, request.context, patientId)
      if (canFetch && url !== undefined) toFetch.push({ key, url })
      continue
    }
    if (r.nextUrl !== undefined && canFetch) toFetch.push({ key: `${key}#next`, url: r.nextUrl })
  }
  const fetched = canFetch && toFetch.length > 0
    ? await (fetcher as FhirFetcher).fetch({
      fhirServer: request.fhirServer as string,
      authorization: request.fhirAuthorization,
      queries: toFetch
    })
    : new Map<string, unknown>()
  const fetchedKeys: string[] = []
  for (const [key, value] of fetched) {
    if (value instanceof Error) continue
    const r = readValue(key, value, [])
    const base = key.replace(/#next$/, '')
    const prior = results.get(base)
    results.set(base, {
      resources: [...(prior?.resources ?? []), ...r.resources],
      available: r.available && r.nextUrl === undefined && (prior?.available ?? true)
    })
    if (!key.endsWith('#next')) fetchedKeys.push(base)
  }

  const missingRequired: IssueLocation[] = []
  const unavailableTypes = new Set<string>()
  for (const [key, def] of Object.entries(service.prefetch)) {
    const r = results.get(key)
    if (r === undefined && def.required) {
      missingRequired.push({ expression: `prefetch.${key}`, diagnostics: `prefetch.${key} (${def.template}) was not supplied and ${canFetch ? 'could not be fetched from fhirServer' : 'no fhirServer was given to fetch it'}` })
      continue
    }
    // A next page that was not fetched, or whose fetch failed, leaves the key incomplete.
    const unpaged = r?.nextUrl !== undefined && (!fetched.has(`${key}#next`) || fetched.get(`${key}#next`) instanceof Error)
    if (r === undefined || !r.available || unpaged) {
      unavailableKeys.push(key)
      for (const t of def.covers) unavailableTypes.add(t)
    }
  }
  if (missingRequired.length > 0) {
    throw new DomainError('prefetch-unobtainable', `required data unobtainable: ${missingRequired.map((i) => i.expression).join(', ')}`, missingRequired)
  }
  for (const r of results.values()) resources.push(...r.resources)
  return { resources, unavailableTypes, fetchedKeys, unavailableKeys }
}
