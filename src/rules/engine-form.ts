// The engine form of compiled conditions and the order json-rules-engine evaluates them in. The
// compiler, not the author, picks that order: the order an `all` is written in changes neither
// results nor speed. json-rules-engine stops an `all` at the first false condition of a higher
// priority, and run-rules runs each top-level `all`'s first condition (its gate) alone first.

import { evaluationTime } from '../fhir/dates.js'
import { EvaluationRecord } from '../fhir/record.js'
import type { ValueSet } from '../fhir/valueset.js'
import type { CompiledCall, CompiledVariant, EngineConditions } from './compiled.js'
import type { FactDefinition } from './facts/fact.js'
import { pick } from './template.js'
import { type ConditionNode, type FactLeaf, isLetLeaf } from './types.js'

/** Gives each distinct (fact, params) call of a profile one id: `fact` or `fact#2`, `fact#3`… */
export class CallTable {
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

/** The tree as the engine runs it: same shape (and pointers), leaves name their call id. */
export function engineForm (node: ConditionNode, calls: CallTable): EngineConditions {
  const priority = (node as { priority?: number }).priority
  const extra = priority === undefined ? {} : { priority }
  if ('all' in node) return { all: node.all.map((c) => engineForm(c, calls)), ...extra }
  if ('any' in node) return { any: node.any.map((c) => engineForm(c, calls)), ...extra }
  if ('not' in node) return { not: engineForm(node.not, calls), ...extra }
  if (isLetLeaf(node)) throw new Error(`let "${node.let}" was not expanded`)
  const id = calls.call(node.fact, node.params).id
  const leaf: EngineConditions = { fact: id, operator: node.operator, value: node.value, ...extra }
  if (node.path !== undefined) leaf.path = node.path
  return leaf
}

/** The same text for the same condition, whatever order its `all` / `any` items are written in. */
export function conditionKey (node: ConditionNode, calls: CallTable): string {
  const key = (n: EngineConditions): string => {
    for (const op of ['all', 'any'] as const) {
      if (Array.isArray(n[op])) return `{"${op}":[${(n[op] as EngineConditions[]).map(key).sort().join(',')}]}`
    }
    if (n.not !== undefined) return `{"not":${key(n.not as EngineConditions)}}`
    return JSON.stringify([n.fact, n.path ?? '$', n.operator, n.value])
  }
  return key(engineForm(node, calls))
}

/** How many variants of the profile have each condition (by key) in their top-level `all`. */
export type SharedConditions = ReadonlyMap<string, number>

export function countShared (trees: readonly ConditionNode[], calls: CallTable): SharedConditions {
  const counts = new Map<string, number>()
  for (const tree of trees) {
    if (!('all' in tree)) continue
    for (const k of new Set(tree.all.map((c) => conditionKey(c, calls)))) counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  return counts
}

/** A leaf's result on a patient with no data at all (undefined when the fact cannot say). */
export type EmptyRecordProbe = (leaf: FactLeaf) => boolean | undefined

const OPERATORS: Record<string, (a: unknown, b: unknown) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => Array.isArray(b) && b.includes(a),
  notIn: (a, b) => Array.isArray(b) && !b.includes(a),
  contains: (a, b) => Array.isArray(a) && a.includes(b),
  doesNotContain: (a, b) => Array.isArray(a) && !a.includes(b),
  lessThan: (a, b) => typeof a === 'number' && a < (b as number),
  lessThanInclusive: (a, b) => typeof a === 'number' && a <= (b as number),
  greaterThan: (a, b) => typeof a === 'number' && a > (b as number),
  greaterThanInclusive: (a, b) => typeof a === 'number' && a >= (b as number)
}

/** Runs each fact call once on an empty record (no order): most patients lack what a rule looks for. */
export function emptyRecordProbe (facts: ReadonlyMap<string, FactDefinition>, valueSets: ReadonlyMap<string, ValueSet>,
  parameters: Record<string, number | boolean>): EmptyRecordProbe {
  const record = new EvaluationRecord({
    patientId: 'p', resources: [], draftOrders: [], selections: [], unavailableTypes: new Set(), time: evaluationTime(new Date(0))
  })
  const valueSet = (id: string): ValueSet => {
    const vs = valueSets.get(id)
    if (vs === undefined) throw new Error(`value set ${id}`)
    return vs
  }
  const values = new Map<string, { value: unknown } | undefined>()
  return (leaf) => {
    const key = `${leaf.fact}|${JSON.stringify(leaf.params ?? {})}`
    if (!values.has(key)) {
      try {
        const ctx = { record, order: undefined, valueSet, parameters }
        values.set(key, { value: facts.get(leaf.fact)?.compute(ctx, leaf.params ?? {}) })
      } catch { values.set(key, undefined) } // needs an order or data: cannot say
    }
    const got = values.get(key)
    const op = OPERATORS[leaf.operator]
    if (got === undefined || op === undefined) return undefined
    return op(pick(got.value, (leaf.path ?? '$').split('.').slice(1)), leaf.value)
  }
}

/**
 * Gives the conditions of a top-level `all` priorities in the order the engine should try them:
 * single conditions before `any` / `all` / `not` groups (one fact read, not several); then those
 * false for a patient with no data (they reject most calls), then those the probe cannot judge;
 * then the one more variants share (a shared gate runs once for all of them); then by key, so
 * the choice is deterministic. The written order plays no part.
 */
export function withEvaluationOrder (node: ConditionNode, calls: CallTable, shared: SharedConditions,
  probe: EmptyRecordProbe): ConditionNode {
  if (!('all' in node) || node.all.length < 2) return node
  const ranked = node.all.map((c, i) => {
    const key = conditionKey(c, calls)
    const isGroup = 'all' in c || 'any' in c || 'not' in c
    const onEmpty = isGroup || isLetLeaf(c) ? undefined : probe(c)
    const empty = onEmpty === false ? 0 : onEmpty === undefined ? 1 : 2
    return { i, group: isGroup ? 1 : 0, empty, shared: shared.get(key) ?? 0, key }
  }).sort((a, b) => a.group - b.group || a.empty - b.empty || b.shared - a.shared ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const priority = new Map(ranked.map((r, rank) => [r.i, node.all.length - rank]))
  return { all: node.all.map((c, i) => ({ ...c, priority: priority.get(i) }) as unknown as ConditionNode) }
}

function callIds (node: EngineConditions, out = new Set<string>()): string[] {
  if (typeof node.fact === 'string') out.add(node.fact)
  for (const op of ['all', 'any'] as const) {
    if (Array.isArray(node[op])) for (const c of node[op] as EngineConditions[]) callIds(c, out)
  }
  if (node.not !== undefined) callIds(node.not as EngineConditions, out)
  return [...out]
}

type EngineTrees = Pick<CompiledVariant,
  'engineConditions' | 'engineCalls' | 'engineGate' | 'engineGateIndex' | 'engineGateKey' | 'engineGateCalls'>

/** The engine form of a variant's conditions and, for a top-level `all`, of its gate (its highest priority). */
export function engineTrees (conditions: ConditionNode, calls: CallTable): EngineTrees {
  // Roots carry no priority: run-rules evaluates every tree of a pass side by side in one `any`.
  const { priority: _rootPriority, ...engineConditions } = engineForm(conditions, calls)
  if (!('all' in conditions) || conditions.all.length < 2) {
    return { engineConditions, engineCalls: callIds(engineConditions) }
  }
  const priorityOf = (c: ConditionNode): number => (c as { priority?: number }).priority ?? 0
  const engineGateIndex = conditions.all
    .reduce((best, c, i, all) => priorityOf(c) > priorityOf(all[best] as ConditionNode) ? i : best, 0)
  // Alone in its `all`, the gate needs no priority: variants with the same gate share one engine rule.
  const { priority: _priority, ...first } = engineForm(conditions.all[engineGateIndex] as ConditionNode, calls)
  const engineGate = { all: [first] }
  return {
    engineConditions,
    engineCalls: callIds(engineConditions),
    engineGate,
    engineGateIndex,
    engineGateKey: `gate:${JSON.stringify(engineGate)}`,
    engineGateCalls: callIds(engineGate)
  }
}
