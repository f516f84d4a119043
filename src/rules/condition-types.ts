// Type checks of rule conditions against the shape each fact declares (`returnsSchema`): the
// path must name a member, and the operator and value must suit that member's type.

import { distance } from 'fastest-levenshtein'
import type { ReturnSchema } from './facts/fact.js'
import type { ParameterDef } from './types.js'

export type Located = Array<[pointer: string, message: string]>

/** A leaf to type: `fact` is the fact it calls, `let` the binding it names (a let-leaf). */
export interface ConditionLeaf { fact: string, operator: string, value: unknown, path?: string, let?: string }

const ORDER_OPERATORS = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'])

/** The candidate closest to `name` (case-insensitive) within edit distance 2, if any. */
export function closest (name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = 3
  for (const c of candidates) {
    const d = distance(name.toLowerCase(), c.toLowerCase())
    if (d < bestDistance && c !== name) { best = c; bestDistance = d }
  }
  return best
}

/** ` (did you mean "x"?)` for the closest candidate within distance 2, else ''. */
export function didYouMean (name: string, candidates: Iterable<string>): string {
  const best = closest(name, candidates)
  return best === undefined ? '' : ` (did you mean "${best}"?)`
}

/** The types a schema allows; undefined when it allows anything. */
function typesOf (schema: ReturnSchema): Set<string> | undefined {
  if (schema.type === undefined) return undefined
  return new Set([schema.type].flat())
}

/**
 * Types a condition value can take: a `{"param": X}` takes the type of X's default (its overrides are
 * checked against it).
 */
function valueTypes (value: unknown, parameters: Record<string, ParameterDef>): Set<string> | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>
    if (typeof o.param === 'string' && Object.keys(o).length === 1) {
      const p = parameters[o.param]
      if (p === undefined) return undefined // reported as an undefined parameter
      return new Set([jsonType(p.default)])
    }
  }
  return new Set([jsonType(value)])
}

function jsonType (v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

const list = (s: Set<string>): string => [...s].join(' or ')

/** Resolves `$.a.b` in a schema: the member's schema, or the first unknown member with a suggestion. */
type Resolved = { schema: ReturnSchema } | { unknown: string, hint: string }

function resolvePath (schema: ReturnSchema, path: string): Resolved {
  let at = schema
  const walked: string[] = []
  for (const member of path.split('.').slice(1)) {
    if (at.properties === undefined) {
      const types = typesOf(at)
      if (types === undefined || types.has('object')) return { schema: {} } // not described further: anything goes
      const where = walked.length === 0 ? 'the value' : `$.${walked.join('.')}`
      return { unknown: member, hint: ` (${where} is ${list(types)})` }
    }
    const next = at.properties[member]
    if (next === undefined) {
      const where = walked.length === 0 ? '' : ` of $.${walked.join('.')}`
      return { unknown: member, hint: `${where}${didYouMean(member, Object.keys(at.properties))}` }
    }
    walked.push(member)
    at = next
  }
  return { schema: at }
}

/** Problems of one condition leaf (pointer relative to the leaf). */
export function checkConditionTypes (leaf: ConditionLeaf, schema: ReturnSchema,
  parameters: Record<string, ParameterDef>): Located {
  const path = leaf.path ?? '$'
  const resolved = resolvePath(schema, path)
  if ('unknown' in resolved) {
    const subject = leaf.let === undefined ? `fact "${leaf.fact}"` : `let "${leaf.let}" (fact "${leaf.fact}")`
    return [['/path', `${subject} has no member "${resolved.unknown}"${resolved.hint}`]]
  }
  const member = typesOf(resolved.schema)
  const given = valueTypes(leaf.value, parameters)
  if (member === undefined || given === undefined) return []
  const where = `${leaf.let ?? leaf.fact} ${path}`
  const op = leaf.operator
  if (op === 'equal' || op === 'notEqual') {
    const bad = [...given].filter((t) => !member.has(t))
    return bad.length === 0 ? [] : [['/value', `${op}: ${where} is ${list(member)}, but the value is ${list(given)}`]]
  }
  if (ORDER_OPERATORS.has(op)) {
    if (!member.has('number')) return [['/path', `${op}: ${where} is ${list(member)}, not a number`]]
    if ([...given].some((t) => t !== 'number')) return [['/value', `${op} needs a number value, not ${list(given)}`]]
    return []
  }
  if (op === 'in' || op === 'notIn') {
    if (!Array.isArray(leaf.value)) return [['/value', `${op} needs an array value, not ${list(given)}`]]
    const out: Located = []
    leaf.value.forEach((item, i) => {
      const t = [...valueTypes(item, parameters) ?? []].filter((x) => !member.has(x))
      if (t.length === 0) return
      out.push([`/value/${i}`, `${op}: ${where} is ${list(member)}, but this item is ${t.join(' or ')}`])
    })
    return out
  }
  if (op === 'contains' || op === 'doesNotContain') {
    if (!member.has('array')) return [['/path', `${op}: ${where} is ${list(member)}, not an array`]]
    const items = resolved.schema.items === undefined ? undefined : typesOf(resolved.schema.items)
    const bad = items === undefined ? [] : [...given].filter((t) => !items.has(t))
    if (bad.length === 0) return []
    return [['/value', `${op}: items of ${where} are ${list(items ?? new Set())}, but the value is ${list(given)}`]]
  }
  return []
}
