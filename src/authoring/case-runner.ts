// Runs a rule's cases (rules/<group>/<ID>.cases.json): builds the record from the case (dates
// relative to the case's `now`), evaluates it through the same path as a real call, and checks
// that the rule's card is (or is not) there. Used by the tap suite, the CLI and reload.

import type { Card, HookRequest } from '../cds/types.js'
import { isDraftRequest } from '../cds/bundle-input.js'
import { evaluateHook, evaluateRecord } from '../cds/evaluate.js'
import { type Resource, isResource } from '../fhir/resource.js'
import type { Catalog, CompiledRule } from '../rules/compiled.js'
import type { HookName, RuleCase, RuleContent } from '../rules/types.js'

const DAY_MS = 86_400_000
const RELATIVE = /^\{\{now([+-]\d+)([dh])\}\}$/
export const CASE_PATIENT_ID = 'case-patient'

/** Replaces `{{now-30d}}` with a date and `{{now-3h}}` with an instant, relative to `now`. */
export function expandDates<T> (value: T, now: Date): T {
  if (typeof value === 'string') {
    const m = RELATIVE.exec(value)
    if (m === null) return value
    const n = Number(m[1])
    return (m[2] === 'd'
      ? new Date(now.getTime() + n * DAY_MS).toISOString().slice(0, 10)
      : new Date(now.getTime() + n * 3_600_000).toISOString().replace('.000Z', 'Z')) as T
  }
  if (Array.isArray(value)) return value.map((v: unknown) => expandDates(v, now)) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandDates(v, now)])) as T
  }
  return value
}

export interface CaseResult {
  rule: string
  name: string
  status: 'pass' | 'fail' | 'skip'
  message?: string
  cards: Card[]
  ruleCards: Card[]
}

/** Deep partial match: every member of `expected` is in `actual` (arrays element-wise). */
export function partialMatch (actual: unknown, expected: unknown, path = ''): string | undefined {
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return `${path || '/'}: expected an object/array, got ${JSON.stringify(actual)}`
    for (const [k, v] of Object.entries(expected)) {
      const m = partialMatch((actual as Record<string, unknown>)[k], v, `${path}/${k}`)
      if (m !== undefined) return m
    }
    return undefined
  }
  return actual === expected ? undefined : `${path || '/'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`
}

export function caseRecord (c: RuleCase, hook: HookName): {
  patientId: string
  resources: Resource[]
  draftOrders: Resource[]
} {
  const now = new Date(c.now)
  const all = expandDates(structuredClone(c.resources ?? []), now).filter(isResource)
  if (!all.some((r) => r.resourceType === 'Patient')) {
    all.unshift({ resourceType: 'Patient', id: CASE_PATIENT_ID, birthDate: '1962-03-14', gender: 'female' })
  }
  const patientId = String(all.find((r) => r.resourceType === 'Patient')?.id ?? CASE_PATIENT_ID)
  const isDraft = (r: Resource): boolean => hook !== 'patient-view' && isDraftRequest(r)
  return { patientId, resources: all.filter((r) => !isDraft(r)), draftOrders: all.filter(isDraft) }
}

/** A rule shipped off (`enabled: false`, e.g. GOV-01) is switched on while its own cases run. */
export function withRuleEnabled (catalog: Catalog, ruleId: string): Catalog {
  const off = (r: CompiledRule): boolean => r.rule.id === ruleId && r.rule.enabled === false
  if (![...catalog.profiles.values()].some((p) => p.rules.some(off))) return catalog
  const profiles = new Map([...catalog.profiles].map(([name, p]) =>
    [name, { ...p, rules: p.rules.map((r) => off(r) ? { ...r, rule: { ...r.rule, enabled: true } } : r) }]))
  return { ...catalog, profiles }
}

export async function runCase (catalog: Catalog, rc: RuleContent, c: RuleCase): Promise<CaseResult> {
  const rule = rc.rule
  const base = { rule: rule.id, name: c.name }
  if (c.skip !== undefined) return { ...base, status: 'skip', message: c.skip, cards: [], ruleCards: [] }
  let n = 0
  const deps = { catalog: withRuleEnabled(catalog, rule.id), now: new Date(c.now), newId: () => `case-${++n}`, ...(c.profile === undefined ? {} : { profile: c.profile }) }
  let cards: Card[]
  if (c.request !== undefined) {
    const request = expandDates(structuredClone(c.request), deps.now) as unknown as HookRequest
    const service = [...catalog.services.values()].find((s) => s.hook === request.hook)
    if (service === undefined) return { ...base, status: 'fail', message: `no service for hook ${String(request.hook)}`, cards: [], ruleCards: [] }
    cards = (await evaluateHook(service.id, request, deps)).cards
  } else {
    const hook = c.hook ?? (rule.hooks[0] as HookName)
    cards = (await evaluateRecord(hook, caseRecord(c, hook), deps)).cards
  }
  const ruleCards = cards.filter((card) => card.extension['org.facet-pt-cds'].rule === rule.id &&
    (c.expect.variant === undefined || card.extension['org.facet-pt-cds'].variant === c.expect.variant))
  if (c.expect.fires && ruleCards.length === 0) return { ...base, status: 'fail', message: `expected a ${rule.id}${c.expect.variant === undefined ? '' : `/${c.expect.variant}`} card, got ${cards.map((x) => x.extension['org.facet-pt-cds'].rule).join(', ') || 'no cards'}`, cards, ruleCards }
  if (!c.expect.fires && ruleCards.length > 0) return { ...base, status: 'fail', message: `expected no ${rule.id} card, got: ${ruleCards[0]?.summary ?? ''}`, cards, ruleCards }
  if (c.expect.card !== undefined) {
    const mismatch = ruleCards.map((card) => partialMatch(card, c.expect.card)).find((m) => m !== undefined)
    if (mismatch !== undefined && ruleCards.every((card) => partialMatch(card, c.expect.card) !== undefined)) {
      return { ...base, status: 'fail', message: `card does not match at ${mismatch}`, cards, ruleCards }
    }
  }
  return { ...base, status: 'pass', cards, ruleCards }
}

/**
 * Runs every case (or one rule's). Between cases it yields to the event loop; with `paced` (a
 * reload in a running server) it also rests as long as the case took, so the cases use at most
 * about half of the event loop and the calls being answered meanwhile are neither delayed nor
 * shed by overload protection.
 */
export async function runAllCases (
  catalog: Catalog,
  filter?: string,
  opts: { paced?: boolean } = {}
): Promise<CaseResult[]> {
  const results: CaseResult[] = []
  for (const rc of catalog.content.rules) {
    if (filter !== undefined && rc.rule.id !== filter) continue
    for (const c of rc.cases?.cases ?? []) {
      const started = performance.now()
      results.push(await runCase(catalog, rc, c))
      const rest = opts.paced === true ? Math.ceil(performance.now() - started) : 0
      await new Promise<void>((resolve) => { if (rest > 0) setTimeout(resolve, rest); else setImmediate(resolve) })
    }
  }
  return results
}
