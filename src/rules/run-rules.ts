// Runs the compiled rules for one call on a fresh json-rules-engine Engine (a shared Engine is
// unsafe under concurrency). Facts are computed lazily, at most once per (fact, params) per
// order session. Rules whose facts need data the EHR could not supply are not run; they are
// reported as data-unavailable instead of being read as "criteria not met".

import { Engine, type RuleResult } from 'json-rules-engine'
import { orderedSessions, type FacetSession } from '../fhir/facet.js'
import type { EvaluationRecord } from '../fhir/record.js'
import type { ValueSet } from '../fhir/valueset.js'
import type { Catalog, CompiledRule, CompiledVariant, ProfileCatalog } from './compiled.js'
import type { FactContext } from './facts/fact.js'
import type { HookName, OrderKind } from './types.js'

export type Outcome = 'fired' | 'not-fired' | 'not-applicable' | 'data-unavailable' | 'suppressed'

export interface VariantOutcome {
  key: string
  rule: CompiledRule
  variant: CompiledVariant
  outcome: Outcome
  /** The order session it was evaluated for (order hooks). */
  order?: FacetSession
  /** Condition tree with fact values (json-rules-engine result), for explain. */
  conditions?: unknown
  missingTypes?: string[]
  /** Fired rules that made this one stand down (`suppressedBy` in the rule file). */
  suppressedBy?: string[]
  /** Reads a fact value as the card template sees it. */
  value: (root: string) => unknown
}

export interface RunResult { outcomes: VariantOutcome[] }

// Condition params objects are compiled once and reused across calls: key them once.
const PARAMS_KEYS = new WeakMap<object, string>()
function paramsKey (params: Record<string, unknown> | undefined): string {
  if (params === undefined) return '{}'
  let key = PARAMS_KEYS.get(params)
  if (key === undefined) PARAMS_KEYS.set(params, key = JSON.stringify(params))
  return key
}

function simplePath (value: unknown, path: string): unknown {
  let cur = value
  for (const key of path.replace(/^\$\.?/, '').split('.').filter(Boolean)) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur
}

function orderKinds (record: EvaluationRecord, catalog: Catalog, sessions: FacetSession[]): Set<OrderKind> {
  const kinds = new Set<OrderKind>()
  if (sessions.length > 0) kinds.add('facet')
  const pt = ['pt-referral', 'pt-evaluation', 'pt-treatment'].map((id) => catalog.valueSets.get(id)).filter((v): v is ValueSet => v !== undefined)
  if (record.activeOrders.some((r) => pt.some((vs) => vs.match(r.code) !== undefined))) kinds.add('pt')
  return kinds
}

export async function runRules (catalog: Catalog, profile: ProfileCatalog, record: EvaluationRecord, hook: HookName): Promise<RunResult> {
  const valueSet = (id: string): ValueSet => {
    const vs = catalog.valueSets.get(id)
    if (vs === undefined) throw new Error(`value set ${id} is not loaded`)
    return vs
  }
  const isOrderHook = hook !== 'patient-view'
  const sessions = isOrderHook ? orderedSessions(record, valueSet('facet-procedures')) : []
  const kinds = isOrderHook ? orderKinds(record, catalog, sessions) : new Set<OrderKind>()
  const outcomes: VariantOutcome[] = []
  const hookRules = profile.rules.filter((r) => r.rule.enabled !== false && r.rule.hooks.includes(hook))
  const groups: Array<FacetSession | undefined> = sessions.length > 0 ? sessions : [undefined]
  const done = new Set<string>()

  for (const order of groups) {
    const ctx: FactContext = { record, order, valueSet }
    const cache = new Map<string, unknown>()
    const factValue = (name: string, params: Record<string, unknown> | undefined): unknown => {
      const key = `${name}|${paramsKey(params)}`
      if (cache.has(key)) return cache.get(key)
      const def = profile.facts.get(name)
      if (def === undefined) throw new Error(`unknown fact ${name}`)
      const value = def.compute(ctx, params ?? {})
      cache.set(key, value)
      return value
    }
    const valueOf = (rule: CompiledRule, variant: CompiledVariant) => (root: string): unknown => {
      const call = rule.lets.get(root) ?? variant.factCalls.get(root)
      return call === undefined ? undefined : factValue(call.fact, call.params)
    }
    const runnable: Array<{ rule: CompiledRule, variant: CompiledVariant }> = []
    for (const rule of hookRules) {
      for (const variant of rule.variants) {
        if (done.has(variant.key)) continue
        const base = { key: variant.key, rule, variant, value: valueOf(rule, variant), ...(order === undefined ? {} : { order }) }
        const needsOrder = isOrderHook && rule.rule.orders !== undefined
        const wrongHook = variant.hooks !== undefined && !variant.hooks.includes(hook)
        if (wrongHook || (needsOrder && !(rule.rule.orders ?? []).some((k) => kinds.has(k)))) {
          if (order === groups[0]) outcomes.push({ ...base, outcome: 'not-applicable' })
          done.add(variant.key)
          continue
        }
        const missing = [...variant.reads].filter((t) => !record.isAvailable(t))
        if (missing.length > 0) {
          outcomes.push({ ...base, outcome: 'data-unavailable', missingTypes: missing.sort() })
          done.add(variant.key)
          continue
        }
        runnable.push({ rule, variant })
      }
    }
    if (runnable.length === 0) continue
    const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: simplePath })
    const factNames = new Set(runnable.flatMap(({ variant }) => [...variant.factCalls.keys()]))
    // Our own per-call cache (factValue) replaces the almanac's, which hashes params on every lookup.
    for (const name of factNames) engine.addFact(name, (params: Record<string, unknown>) => factValue(name, params), { cache: false })
    for (const { variant } of runnable) {
      engine.addRule({ name: variant.key, conditions: variant.conditions as never, event: { type: variant.key } })
    }
    const result = await engine.run()
    const byKey = new Map<string, { fired: boolean, r: RuleResult }>()
    for (const r of result.results) byKey.set(String(r.name), { fired: true, r })
    for (const r of result.failureResults) byKey.set(String(r.name), { fired: false, r })
    for (const { rule, variant } of runnable) {
      const hit = byKey.get(variant.key)
      const fired = hit?.fired === true
      // A card fires once per rule variant; later order sessions only add variants not yet fired.
      if (fired || order === groups[groups.length - 1]) done.add(variant.key)
      if (!fired && order !== groups[groups.length - 1]) continue
      outcomes.push({
        key: variant.key,
        rule,
        variant,
        outcome: fired ? 'fired' : 'not-fired',
        ...(order === undefined ? {} : { order }),
        conditions: (hit?.r as unknown as { conditions?: unknown } | undefined)?.conditions,
        value: valueOf(rule, variant)
      })
    }
  }
  return { outcomes: applySuppression(outcomes) }
}

/** A fired rule stands down when a rule named in its `suppressedBy` fired in the same call. */
function applySuppression (outcomes: VariantOutcome[]): VariantOutcome[] {
  const fired = new Set(outcomes.filter((o) => o.outcome === 'fired').map((o) => o.rule.rule.id))
  return outcomes.map((o) => {
    if (o.outcome !== 'fired') return o
    const by = (o.rule.rule.suppressedBy ?? []).filter((id) => fired.has(id))
    return by.length === 0 ? o : { ...o, outcome: 'suppressed', suppressedBy: by }
  })
}
