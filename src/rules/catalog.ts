// Loads, checks and compiles the rule catalog from a rules directory. Any problem stops the
// load with every located problem (file, rule, JSON pointer); the caller keeps its last good
// catalog. Compilation resolves parameters per evidence profile and compiles FHIRPath once.

import { ValueSet } from '../fhir/valueset.js'
import { readCatalogFiles } from './catalog-files.js'
import { CatalogError } from './catalog-problems.js'
import { checkCatalog, leaves } from './catalog-check.js'
import type { Catalog, CompiledRule, CompiledVariant, ProfileCatalog } from './compiled.js'
import { type FactDefinition, factReads } from './facts/fact.js'
import { FACT_LIBRARY } from './facts/index.js'
import { fhirPathFact } from './fhirpath-facts.js'
import { templateRefs } from './template.js'
import type { CatalogContent, ConditionNode, FactCall, RuleFile } from './types.js'

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
  for (const [factName, def] of Object.entries(content.facts.facts)) facts.set(factName, fhirPathFact(factName, def, parameters, dayParameters))
  const rules = content.rules
    .map((rc) => compileRule(rc.rule, rc.file, parameters, facts))
    .sort((a, b) => a.rule.id.localeCompare(b.rule.id))
  return { name, parameters, rules, facts }
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
  facts: ReadonlyMap<string, FactDefinition>): CompiledRule {
  const lets = new Map<string, FactCall>(Object.entries(rule.let ?? {}).map(([k, call]) => [k, resolveParams(call, parameters)]))
  const source = rule.variants ?? [{ id: '', conditions: rule.conditions as ConditionNode, card: rule.card as NonNullable<RuleFile['card']> }]
  const variants: CompiledVariant[] = source.map((v) => {
    const conditions = gateFirst(resolveParams(v.conditions, parameters))
    const factCalls = new Map<string, FactCall>()
    // A `let` binding only adds its data needs to the variants whose card shows it.
    const shown = new Set(templateRefs(v.card).map((r) => r.root))
    const reads = new Set<string>([...lets].filter(([name]) => shown.has(name)).flatMap(([, c]) => factReads(facts.get(c.fact), c.params)))
    leaves(conditions, (leaf) => {
      if (!factCalls.has(leaf.fact)) factCalls.set(leaf.fact, { fact: leaf.fact, ...(leaf.params === undefined ? {} : { params: leaf.params }) })
      for (const t of factReads(facts.get(leaf.fact), leaf.params)) reads.add(t)
    })
    return {
      key: v.id === '' ? rule.id : `${rule.id}/${v.id}`,
      ruleId: rule.id,
      ...(v.id === '' ? {} : { variantId: v.id }),
      ...('hooks' in v && v.hooks !== undefined ? { hooks: v.hooks } : {}),
      conditions,
      card: v.card,
      factCalls,
      reads
    }
  })
  return { rule, file, variants, lets, params: Object.fromEntries(rule.parameters.map((p) => [p, parameters[p] as number | boolean])) }
}
