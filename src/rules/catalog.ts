// Loads, checks and compiles the rule catalog from a rules directory. Any problem stops the
// load with every located problem (file, rule, JSON pointer); the caller keeps its last good
// catalog. Compilation resolves parameters per evidence profile and compiles FHIRPath once.

import { ValueSet } from '../fhir/valueset.js'
import { readCatalogFiles } from './catalog-files.js'
import { CatalogError } from './catalog-problems.js'
import { checkCatalog, leaves } from './catalog-check.js'
import type { Catalog, CompiledCall, CompiledRule, CompiledVariant, ProfileCatalog } from './compiled.js'
import { CallTable, countShared, type EmptyRecordProbe, emptyRecordProbe, engineTrees, type SharedConditions, withEvaluationOrder } from './engine-form.js'
import { type FactDefinition, factReads } from './facts/fact.js'
import { FACT_LIBRARY } from './facts/index.js'
import { fhirPathFact } from './fhirpath-facts.js'
import { templateRefs } from './template.js'
import { type CatalogContent, type ConditionNode, type FactCall, isLetLeaf, type RuleFile, type VariantFile } from './types.js'

export function loadCatalog (dir: string, loadedAt: Date): Catalog {
  const { content, problems, hash, unchecked } = readCatalogFiles(dir)
  problems.push(...checkCatalog(content, unchecked))
  if (problems.length > 0) throw new CatalogError(problems)
  return compileCatalog(content, hash, loadedAt)
}

export function compileCatalog (content: CatalogContent, hash: string, loadedAt: Date): Catalog {
  const valueSets = new Map(content.valueSets.map((v) => [v.id, new ValueSet(v)]))
  const profiles = new Map<string, ProfileCatalog>()
  for (const name of Object.keys(content.parameters.profiles)) {
    profiles.set(name, compileProfile(content, name, valueSets))
  }
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

function compileProfile (
  content: CatalogContent, name: string, valueSets: ReadonlyMap<string, ValueSet>
): ProfileCatalog {
  const parameters = parameterValues(content, name)
  const facts = new Map<string, FactDefinition>(FACT_LIBRARY)
  const dayParameters = Object.entries(content.parameters.parameters).filter(([, p]) => p.unit === 'd').map(([k]) => k)
  for (const [factName, def] of Object.entries(content.facts.facts)) {
    facts.set(factName, fhirPathFact(factName, def, parameters, dayParameters))
  }
  const calls = new CallTable()
  const allConditions = content.rules.flatMap((rc) =>
    variantsOf(rc.rule).map((v) => conditionsOf(rc.rule, v, parameters)))
  const shared = countShared(allConditions, calls)
  const order = { shared, probe: emptyRecordProbe(facts, valueSets, parameters) }
  const rules = content.rules
    .map((rc) => compileRule(rc.rule, rc.file, parameters, facts, calls, order))
    .sort((a, b) => a.rule.id.localeCompare(b.rule.id))
  return { name, parameters, rules, facts, calls: calls.byId }
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

/**
 * Replaces each let-leaf with its binding's call (params resolved), keeping the binding's name:
 * the engine, explain and data requirements see the same call whether it was said once or twice.
 */
function expandLets (node: ConditionNode, lets: Readonly<Record<string, FactCall>>): ConditionNode {
  if ('all' in node) return { all: node.all.map((c) => expandLets(c, lets)) }
  if ('any' in node) return { any: node.any.map((c) => expandLets(c, lets)) }
  if ('not' in node) return { not: expandLets(node.not, lets) }
  if (!isLetLeaf(node)) return node
  const { let: name, ...test } = node
  const call = lets[name]
  if (call === undefined) throw new Error(`unknown let "${name}"`) // checkCatalog reports it first
  return { fact: call.fact, ...(call.params === undefined ? {} : { params: call.params }), let: name, ...test }
}

type SourceVariant = Pick<VariantFile, 'conditions' | 'card'> & Partial<Pick<VariantFile, 'hooks' | 'suppressedBy'>> & { id: string }

function variantsOf (rule: RuleFile): SourceVariant[] {
  return rule.variants ?? [{ id: '', conditions: rule.conditions as ConditionNode, card: rule.card as NonNullable<RuleFile['card']> }]
}

/** A variant's conditions with parameters resolved and let-leaves expanded. */
function conditionsOf (rule: RuleFile, v: SourceVariant, parameters: Record<string, number | boolean>): ConditionNode {
  return expandLets(resolveParams(v.conditions, parameters), resolveParams(rule.let ?? {}, parameters))
}

function compileRule (rule: RuleFile, file: string, parameters: Record<string, number | boolean>,
  facts: ReadonlyMap<string, FactDefinition>,
  calls: CallTable,
  order: { shared: SharedConditions, probe: EmptyRecordProbe }
): CompiledRule {
  const letCalls = Object.entries(resolveParams(rule.let ?? {}, parameters))
  const lets = new Map<string, CompiledCall>(letCalls.map(([k, c]) => [k, calls.call(c.fact, c.params)]))
  const source = variantsOf(rule)
  const variants: CompiledVariant[] = source.map((v) => {
    const conditions = withEvaluationOrder(conditionsOf(rule, v, parameters), calls, order.shared, order.probe)
    const factCalls = new Map<string, CompiledCall>()
    // A `let` binding only adds its data needs to the variants whose card shows it.
    const shown = new Set(templateRefs(v.card).map((r) => r.root))
    const reads = new Set<string>([...lets]
      .filter(([name]) => shown.has(name))
      .flatMap(([, c]) => factReads(facts.get(c.fact), c.params)))
    leaves(conditions, (leaf) => {
      if (isLetLeaf(leaf)) return // expanded above
      if (!factCalls.has(leaf.fact)) factCalls.set(leaf.fact, calls.call(leaf.fact, leaf.params))
      for (const t of factReads(facts.get(leaf.fact), leaf.params)) reads.add(t)
    })
    return {
      key: v.id === '' ? rule.id : `${rule.id}/${v.id}`,
      ruleId: rule.id,
      ...(v.id === '' ? {} : { variantId: v.id }),
      ...(v.hooks === undefined ? {} : { hooks: v.hooks }),
      ...(v.suppressedBy === undefined ? {} : { suppressedBy: v.suppressedBy }),
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
