// Runs the compiled rules for one call on fresh json-rules-engine Engines (a shared Engine is
// unsafe under concurrency): gates first, then the whole trees whose gate held. Facts are
// computed lazily, at most once per (fact, params) per order session. Rules whose facts need
// data the EHR could not supply are not run; they are reported as data-unavailable instead of
// being read as "criteria not met".

import { Engine } from 'json-rules-engine'
import { orderedSessions, intentSettings, type FacetSession } from '../fhir/facet.js'
import type { EvaluationRecord } from '../fhir/record.js'
import type { ValueSet } from '../fhir/valueset.js'
import type { Catalog, CompiledCall, CompiledRule, CompiledVariant, EngineConditions, ProfileCatalog } from './compiled.js'
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

// Paths are a handful of `$.member.member` strings: split each once.
const PATHS = new Map<string, string[]>()
function simplePath (value: unknown, path: string): unknown {
  let keys = PATHS.get(path)
  if (keys === undefined) PATHS.set(path, keys = path.replace(/^\$\.?/, '').split('.').filter(Boolean))
  let cur = value
  for (const key of keys) {
    if (cur === null || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur
}

interface EngineTree { name: string, conditions: EngineConditions, calls: readonly string[] }
type EngineResults = Map<string, { fired: boolean, conditions: unknown }>

/**
 * Runs named condition trees on a fresh Engine as one rule, `{"any": [tree, …]}`: the trees have
 * the same priority, so the engine evaluates every one of them (an `any` only skips sets of
 * lower priority) and records each tree's result on its node. One rule instead of one per tree
 * spares the engine a rule result, a deep copy and two events per tree.
 */
async function runEngine (trees: readonly EngineTree[], factValue: (call: CompiledCall) => unknown,
  calls: ReadonlyMap<string, CompiledCall>): Promise<EngineResults> {
  const engine = new Engine([], { allowUndefinedFacts: false, pathResolver: simplePath })
  const ids = new Set<string>()
  for (const tree of trees) for (const id of tree.calls) ids.add(id)
  // Our own per-call cache (factValue) replaces the almanac's, which hashes params on every lookup.
  for (const id of ids) {
    const call = calls.get(id)
    if (call === undefined) throw new Error(`unknown fact call ${id}`)
    engine.addFact(id, () => factValue(call), { cache: false })
  }
  engine.addRule({ name: 'pass', conditions: { any: trees.map((t) => t.conditions) } as never, event: { type: 'pass' } })
  const result = await engine.run()
  const ruleResult = (result.results[0] ?? result.failureResults[0]) as unknown as
    { conditions?: { any?: Array<{ result?: unknown }> } } | undefined
  const nodes = ruleResult?.conditions?.any ?? []
  const byName: EngineResults = new Map()
  trees.forEach((tree, i) => { byName.set(tree.name, { fired: nodes[i]?.result === true, conditions: nodes[i] }) })
  return byName
}

/**
 * Two passes over json-rules-engine. First: each distinct gate (the condition of a variant's
 * top-level `all` the compiler chose to try first) once, and the whole tree of variants without a gate. Second: the
 * whole tree of the variants whose gate held. Outcomes are those of one pass over the whole
 * trees (the engine evaluates the gate first and stops an `all` on false), at a fraction of
 * the cost: the engine builds and deep-copies every tree it is given, and most gates fail.
 */
async function runVariants (variants: readonly CompiledVariant[], factValue: (call: CompiledCall) => unknown,
  calls: ReadonlyMap<string, CompiledCall>): Promise<EngineResults> {
  const firstPass = new Map<string, EngineTree>()
  const gateOf = new Map<string, string>()
  for (const v of variants) {
    if (v.engineGate === undefined || v.engineGateKey === undefined) {
      firstPass.set(v.key, { name: v.key, conditions: v.engineConditions, calls: v.engineCalls })
      continue
    }
    const name = v.engineGateKey
    gateOf.set(v.key, name)
    if (!firstPass.has(name)) firstPass.set(name, { name, conditions: v.engineGate, calls: v.engineGateCalls ?? [] })
  }
  const first = await runEngine([...firstPass.values()], factValue, calls)
  const held = variants.filter((v) => first.get(gateOf.get(v.key) ?? '')?.fired === true)
  const second = held.length === 0
    ? new Map()
    : await runEngine(
      held.map((v) => ({ name: v.key, conditions: v.engineConditions, calls: v.engineCalls })),
      factValue,
      calls
    )
  const results: EngineResults = new Map()
  for (const v of variants) {
    const gate = gateOf.get(v.key)
    const hit = second.get(v.key) ?? atGate(first.get(gate ?? v.key), v)
    if (hit !== undefined) results.set(v.key, hit)
  }
  return results
}

/** A gate's result placed where the gate sits in the variant's `all` (the rest not evaluated). */
type EngineHit = { fired: boolean, conditions: unknown } | undefined

function atGate (hit: EngineHit, v: CompiledVariant): EngineHit {
  const index = v.engineGateIndex
  const tree = hit?.conditions as { all?: unknown[] } | undefined
  if (hit === undefined || index === undefined || tree?.all === undefined || !('all' in v.engineConditions)) return hit
  const all: unknown[] = (v.engineConditions.all as unknown[]).map(() => undefined)
  all[index] = tree.all[0]
  return { fired: hit.fired, conditions: { ...tree, all } }
}

function orderKinds (record: EvaluationRecord, catalog: Catalog, sessions: FacetSession[]): Set<OrderKind> {
  const kinds = new Set<OrderKind>()
  if (sessions.length > 0) kinds.add('facet')
  const pt = ['pt-referral', 'pt-evaluation', 'pt-treatment'].map((id) => catalog.valueSets.get(id)).filter((v): v is ValueSet => v !== undefined)
  if (record.activeOrders.some((r) => pt.some((vs) => vs.match(r.code) !== undefined))) kinds.add('pt')
  return kinds
}

export async function runRules (
  catalog: Catalog,
  profile: ProfileCatalog,
  record: EvaluationRecord,
  hook: HookName
): Promise<RunResult> {
  const valueSet = (id: string): ValueSet => {
    const vs = catalog.valueSets.get(id)
    if (vs === undefined) throw new Error(`value set ${id} is not loaded`)
    return vs
  }
  const isOrderHook = hook !== 'patient-view'
  const sessions = isOrderHook ? orderedSessions(record, valueSet('facet-procedures'), intentSettings(profile.parameters)) : []
  const kinds = isOrderHook ? orderKinds(record, catalog, sessions) : new Set<OrderKind>()
  const outcomes: VariantOutcome[] = []
  const hookRules = profile.rules.filter((r) => r.rule.enabled !== false && r.rule.hooks.includes(hook))
  const groups: Array<FacetSession | undefined> = sessions.length > 0 ? sessions : [undefined]
  const done = new Set<string>()

  for (const order of groups) {
    const ctx: FactContext = { record, order, valueSet, parameters: profile.parameters }
    const cache = new Map<string, unknown>()
    const factValue = (call: CompiledCall): unknown => {
      if (cache.has(call.id)) return cache.get(call.id)
      const def = profile.facts.get(call.fact)
      if (def === undefined) throw new Error(`unknown fact ${call.fact}`)
      const value = def.compute(ctx, call.params ?? {})
      cache.set(call.id, value)
      return value
    }
    const valueOf = (rule: CompiledRule, variant: CompiledVariant) => (root: string): unknown => {
      const call = rule.lets.get(root) ?? variant.factCalls.get(root)
      return call === undefined ? undefined : factValue(call)
    }
    const runnable: Array<{ rule: CompiledRule, variant: CompiledVariant }> = []
    for (const rule of hookRules) {
      for (const variant of rule.variants) {
        if (done.has(variant.key)) continue
        const base = {
          key: variant.key,
          rule,
          variant,
          value: valueOf(rule, variant),
          ...(order === undefined ? {} : { order })
        }
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
    const results = await runVariants(runnable.map(({ variant }) => variant), factValue, profile.calls)
    for (const { rule, variant } of runnable) {
      const hit = results.get(variant.key)
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
        conditions: hit?.conditions,
        value: valueOf(rule, variant)
      })
    }
  }
  return { outcomes: applySuppression(outcomes) }
}

/**
 * A fired variant stands down when an entry of its rule's or its own `suppressedBy` fired in the
 * same call: a rule id (any of its variants) or a variant key (`ESC-02/a`).
 */
function applySuppression (outcomes: VariantOutcome[]): VariantOutcome[] {
  const firedOutcomes = outcomes.filter((o) => o.outcome === 'fired')
  const fired = new Set([...firedOutcomes.map((o) => o.rule.rule.id), ...firedOutcomes.map((o) => o.variant.key)])
  return outcomes.map((o) => {
    if (o.outcome !== 'fired') return o
    const by = [...(o.rule.rule.suppressedBy ?? []), ...(o.variant.suppressedBy ?? [])].filter((id) => fired.has(id))
    return by.length === 0 ? o : { ...o, outcome: 'suppressed', suppressedBy: by }
  })
}
