// Loads, checks and compiles the rule catalog from a rules directory. Any problem stops the
// load with every located problem (file, rule, JSON pointer); the caller keeps its last good
// catalog. Compilation resolves parameters per evidence profile and compiles FHIRPath once.

import { ValueSet } from '../fhir/valueset.js'
import { readCatalogFiles } from './catalog-files.js'
import { CatalogError } from './catalog-problems.js'
import { checkCatalog, leaves } from './catalog-check.js'
import type { Catalog, CompiledCall, CompiledRule, CompiledVariant, EngineConditions, ProfileCatalog } from './compiled.js'
import { type FactDefinition, factReads } from './facts/fact.js'
import { FACT_LIBRARY } from './facts/index.js'
import { fhirPathFact } from './fhirpath-facts.js'
import { templateRefs } from './template.js'
import type { CatalogContent, ConditionNode, RuleFile } from './types.js'

export function loadCatalog (dir: string, loadedAt: Date): Catalog {
  const { content, problems, hash } = readCatalogFiles(dir)
  problems.push(...checkCatalog(content))
  if (problems.length > 0) throw new CatalogError(problems)
  return compileCatalog(content, hash, loadedAt)
}

export function compileCatalog (content: CatalogContent, hash: string, loadedAt: Date): Catalog {
  const valueSets = new Map(content.valueSets.map((v) => [v.id, new ValueSet(v)]))
  const profiles = new Map<string, ProfileCatalog>()
  for (const name of Object.keys(content.parameters.profiles)) profiles.set(name, compileProfile(content, name))
  return {
    dir: content.dir,
    hash,
    loadedAt: loadedAt.toISOString(),
    content,
    services: new Map(content.services.map((s) => [s.id, s])),
    valueSets,
    defaultProfile: content.parameters.defaultProfile,
    profiles
  }
}

function parameterValues (content: CatalogContent, profile: string): Record<string, number | boolean> {
  return Object.fromEntries(Object.entries(content.parameters.parameters)
    .map(([k, p]) => [k, p.profiles?.[profile] ?? p.default]))
}

function compileProfile (content: CatalogContent, name: string): ProfileCatalog {
  const parameters = parameterValues(content, name)
  const facts = new Map<string, FactDefinition>(FACT_LIBRARY)
  const dayParameters = Object.entries(content.parameters.parameters).filter(([, p]) => p.unit === 'd').map(([k]) => k)
  for (const [factName, def] of Object.entries(content.facts.facts)) {
    facts.set(factName, fhirPathFact(factName, def, parameters, dayParameters))
  }
  const calls = new CallTable()
  const rules = content.rules
    .map((rc) => compileRule(rc.rule, rc.file, parameters, facts, calls))
    .sort((a, b) => a.rule.id.localeCompare(b.rule.id))
  return { name, parameters, rules, facts, calls: calls.byId }
}

/** Gives each distinct (fact, params) call of a profile one id: `fact` or `fact#2`, `fact#3`… */
class CallTable {
  readonly byId = new Map<string, CompiledCall>()
  private readonly byKey = new Map<string, CompiledCall>()
  private readonly perFact = new Map<string, number>()

  call (fact: string, params: Record<string, unknown> | undefined): CompiledCall {
    const key = `${fact}|${JSON.stringify(params ?? {})}`
    let call = this.byKey.get(key)
    if (call === undefined) {
      const n = (this.perFact.get(fact) ?? 0) + 1
      this.perFact.set(fact, n)
      call = { id: n === 1 ? fact : `${fact}#${n}`, fact, ...(params === undefined ? {} : { params }) }
      this.byKey.set(key, call)
      this.byId.set(call.id, call)
    }
    return call
  }
}

function callIds (node: EngineConditions, out = new Set<string>()): string[] {
  if (typeof node.fact === 'string') out.add(node.fact)
  for (const op of ['all', 'any'] as const) if (Array.isArray(node[op])) for (const c of node[op] as EngineConditions[]) callIds(c, out)
  if (node.not !== undefined) callIds(node.not as EngineConditions, out)
  return [...out]
}

/** The engine form of a variant's conditions and, for a top-level `all`, of its gate. */
function engineTrees (conditions: ConditionNode, calls: CallTable): Pick<CompiledVariant, 'engineConditions' | 'engineCalls' | 'engineGate' | 'engineGateKey' | 'engineGateCalls'> {
  // Roots carry no priority: run-rules evaluates every tree of a pass side by side in one `any`.
  const { priority: _rootPriority, ...engineConditions } = engineForm(conditions, calls)
  if (!('all' in conditions) || conditions.all.length < 2) return { engineConditions, engineCalls: callIds(engineConditions) }
  // Alone in its `all`, the gate needs no priority: variants with the same gate share one engine rule.
  const { priority: _priority, ...first } = engineForm(conditions.all[0] as ConditionNode, calls)
  const engineGate = { all: [first] }
  return { engineConditions, engineCalls: callIds(engineConditions), engineGate, engineGateKey: `gate:${JSON.stringify(engineGate)}`, engineGateCalls: callIds(engineGate) }
}

/** The tree as the engine runs it: same shape (and pointers), leaves name their call id. */
function engineForm (node: ConditionNode, calls: CallTable): EngineConditions {
  const priority = (node as { priority?: number }).priority
  const extra = priority === undefined ? {} : { priority }
  if ('all' in node) return { all: node.all.map((c) => engineForm(c, calls)), ...extra }
  if ('any' in node) return { any: node.any.map((c) => engineForm(c, calls)), ...extra }
  if ('not' in node) return { not: engineForm(node.not, calls), ...extra }
  const leaf: EngineConditions = {
    fact: calls.call(node.fact, node.params).id,
    operator: node.operator,
    value: node.value,
    ...extra
  }
  if (node.path !== undefined) leaf.path = node.path
  return leaf
}

/**
 * Evaluates an `all` in the order it is written: json-rules-engine runs conditions of higher
 * priority first and stops an `all` at the first false one, so the author's first condition
 * (usually "is there such a procedure / order at all") gates the rest.
 */
function gateFirst (node: ConditionNode): ConditionNode {
  if (!('all' in node) || node.all.length < 2) return node
  const n = node.all.length
  return { all: node.all.map((c, i) => ({ ...c, priority: n - i }) as unknown as ConditionNode) }
}

/** Replaces every `{"param": NAME}` with the parameter's value. */
export function resolveParams<T> (value: T, parameters: Record<string, number | boolean>): T {
  if (Array.isArray(value)) return value.map((v: unknown) => resolveParams(v, parameters)) as T
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>
    if (typeof o.param === 'string' && Object.keys(o).length === 1) return parameters[o.param] as T
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveParams(v, parameters)])) as T
  }
  return value
}

function compileRule (rule: RuleFile, file: string, parameters: Record<string, number | boolean>,
  facts: ReadonlyMap<string, FactDefinition>, calls: CallTable): CompiledRule {
  const lets = new Map<string, CompiledCall>(Object.entries(rule.let ?? {}).map(([k, c]) => {
    const resolved = resolveParams(c, parameters)
    return [k, calls.call(resolved.fact, resolved.params)]
  }))
  const source = rule.variants ?? [{ id: '', conditions: rule.conditions as ConditionNode, card: rule.card as NonNullable<RuleFile['card']> }]
  const variants: CompiledVariant[] = source.map((v) => {
    const conditions = gateFirst(resolveParams(v.conditions, parameters))
    const factCalls = new Map<string, CompiledCall>()
    // A `let` binding only adds its data needs to the variants whose card shows it.
    const shown = new Set(templateRefs(v.card).map((r) => r.root))
    const reads = new Set<string>([...lets]
      .filter(([name]) => shown.has(name))
      .flatMap(([, c]) => factReads(facts.get(c.fact), c.params)))
    leaves(conditions, (leaf) => {
      if (!factCalls.has(leaf.fact)) factCalls.set(leaf.fact, calls.call(leaf.fact, leaf.params))
      for (const t of factReads(facts.get(leaf.fact), leaf.params)) reads.add(t)
    })
    return {
      key: v.id === '' ? rule.id : `${rule.id}/${v.id}`,
      ruleId: rule.id,
      ...(v.id === '' ? {} : { variantId: v.id }),
      ...('hooks' in v && v.hooks !== undefined ? { hooks: v.hooks } : {}),
      ...('suppressedBy' in v && v.suppressedBy !== undefined ? { suppressedBy: v.suppressedBy } : {}),
      conditions,
      ...engineTrees(conditions, calls),
      card: v.card,
      factCalls,
      reads
    }
  })
  return {
    rule,
    file,
    variants,
    lets,
    params: Object.fromEntries(rule.parameters.map((p) => [p, parameters[p] as number | boolean]))
  }
}
