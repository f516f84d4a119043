// Evaluates a plain FHIR Bundle (POST /evaluate and the CLI): options checked with located
// errors, hook chosen (explicit, from the service, or from the bundle's draft orders), explained.

import { DomainError } from '../errors.js'
import type { Catalog } from '../rules/compiled.js'
import { HOOKS, type HookName } from '../rules/types.js'
import { readBundle } from './bundle-input.js'
import { evaluateRecord, profileOf, serviceOf } from './evaluate.js'
import { type Explanation, explainRun } from './explain.js'
import { type CapturedEvaluation, evaluateCaptured, isHookRequest } from './hook-capture.js'
import type { Card, NewId } from './types.js'

export interface BundleOptions {
  hook?: string
  service?: string
  /** ISO date-time; default = the injected clock. */
  now?: string
  profile?: string
  explain?: boolean
}

export interface BundleEvaluation {
  cards: Card[]
  /** Present when explain was asked for. */
  explain?: Explanation & {
    hook: HookName
    service?: string
    profile: string
    now: string
    patientId: string
    draftOrders: number
    resources: number
    catalog: string
    /** What was posted: a FHIR Bundle, or a captured CDS Hooks request. */
    input: 'bundle' | 'hook-request'
    hookInstance?: string
    /** Hook requests: prefetch keys absent from the capture (the live service would have fetched them) and
     *  keys carried but unusable; the resource types they cover count as unavailable. */
    prefetch?: { absent: CapturedEvaluation['absentPrefetch'], unavailable: string[] }
  }
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/

export function parseNow (now: string | undefined, fallback: Date): Date {
  if (now === undefined) return fallback
  const d = new Date(now)
  if (!ISO_DATE_TIME.test(now) || Number.isNaN(d.getTime())) {
    throw new DomainError('invalid-request', `now "${now}" is not an ISO date-time`,
      [{ expression: 'now', diagnostics: 'now must be an ISO 8601 date-time with a zone, e.g. 2026-11-29T10:00:00Z (or a date, 2026-11-29)' }])
  }
  return d
}

/** The hook: explicit, else the service's, else order-select when the bundle holds a draft order. */
export function chooseHook (
  catalog: Catalog,
  opts: BundleOptions,
  hasDrafts: boolean
): { hook: HookName, service?: string } {
  const served = [...new Set([...catalog.services.values()].map((s) => s.hook))]
  let hook: HookName | undefined
  if (opts.hook !== undefined) {
    if (!(HOOKS as readonly string[]).includes(opts.hook) || !served.includes(opts.hook as HookName)) {
      throw new DomainError('invalid-request', `unknown hook "${opts.hook}"`, [{ expression: 'hook', diagnostics: `hook must be one of ${served.join(', ')}` }])
    }
    hook = opts.hook as HookName
  }
  if (opts.service !== undefined) {
    const service = serviceOf(catalog, opts.service)
    if (hook !== undefined && hook !== service.hook) {
      throw new DomainError('invalid-request', `service ${service.id} answers ${service.hook}, not ${hook}`,
        [{ expression: 'hook', diagnostics: `hook must be "${service.hook}" for service ${service.id}, or leave hook out` }])
    }
    return { hook: service.hook, service: service.id }
  }
  hook ??= hasDrafts ? 'order-select' : 'patient-view'
  const service = [...catalog.services.values()].find((s) => s.hook === hook)
  return { hook, ...(service === undefined ? {} : { service: service.id }) }
}

export async function evaluateBundle (
  body: unknown,
  opts: BundleOptions,
  deps: { catalog: Catalog, now: Date, newId: NewId, profile: string }
): Promise<BundleEvaluation> {
  // Options first: a bad query parameter is reported whatever the body holds.
  const now = parseNow(opts.now, deps.now)
  const profileName = opts.profile ?? deps.profile
  const profile = profileOf(deps.catalog, profileName)
  if (isHookRequest(body)) return await evaluateHookBody(body, opts, { ...deps, now, profile: profileName })
  const input = readBundle(body)
  const { hook, service } = chooseHook(deps.catalog, opts, input.drafts.length > 0)
  // On patient-view the draft requests are ordinary record content.
  const orderHook = hook !== 'patient-view'
  const evaluation = await evaluateRecord(hook, {
    patientId: input.patientId,
    resources: orderHook ? input.resources : [...input.resources, ...input.drafts],
    draftOrders: orderHook ? input.drafts : [],
    patientAliases: input.patientAliases,
    references: input.references
  }, { catalog: deps.catalog, now, newId: deps.newId, profile: profileName })
  if (opts.explain !== true) return { cards: evaluation.cards }
  return {
    cards: evaluation.cards,
    explain: {
      hook,
      ...(service === undefined ? {} : { service }),
      profile: evaluation.profile,
      now: now.toISOString(),
      patientId: input.patientId,
      draftOrders: orderHook ? input.drafts.length : 0,
      resources: input.entries,
      catalog: deps.catalog.hash,
      input: 'bundle',
      ...explainRun(evaluation.run, { rules: profile.rules, hook })
    }
  }
}

async function evaluateHookBody (
  body: unknown,
  opts: BundleOptions,
  deps: { catalog: Catalog, now: Date, newId: NewId, profile: string }
): Promise<BundleEvaluation> {
  const hook = (body as { hook?: unknown }).hook
  if (opts.hook !== undefined && opts.hook !== hook) {
    throw new DomainError('invalid-request', `hook ${opts.hook} differs from the request's hook ${String(hook)}`,
      [{ expression: 'hook', diagnostics: `the captured request is a ${String(hook)} call; leave the hook parameter out or make it "${String(hook)}"` }])
  }
  const e = await evaluateCaptured(body, opts.service === undefined ? {} : { service: opts.service }, deps)
  if (opts.explain !== true) return { cards: e.cards }
  return {
    cards: e.cards,
    explain: {
      hook: e.hook,
      service: e.service,
      profile: e.profile,
      now: deps.now.toISOString(),
      patientId: e.patientId,
      draftOrders: e.draftOrders,
      resources: e.resources,
      catalog: deps.catalog.hash,
      input: 'hook-request',
      hookInstance: e.hookInstance,
      prefetch: { absent: e.absentPrefetch, unavailable: e.unavailablePrefetch },
      ...explainRun(e.run, { rules: profileOf(deps.catalog, deps.profile).rules, hook: e.hook })
    }
  }
}
