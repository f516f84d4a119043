// The contract of a named fact: a clinical computation over the evaluation record that rules
// combine with plain json-rules-engine conditions. Facts are pure functions of (record, params).

import type { EvaluationRecord } from '../../fhir/record.js'
import { type FacetSession, completedSessions, intentSettings } from '../../fhir/facet.js'
import type { ValueSet } from '../../fhir/valueset.js'

export interface FactContext {
  record: EvaluationRecord
  /** The order session being evaluated (order hooks), if any. */
  order: FacetSession | undefined
  valueSet: (id: string) => ValueSet
  /** Parameter values of the evidence profile in force (e.g. for intent inference). */
  parameters: Readonly<Record<string, number | boolean>>
}

export interface FactDefinition {
  name: string
  description: string
  /** Resource types read; when one is unavailable, rules using the fact cannot conclude. */
  reads: readonly string[]
  /** Further resource types read only when the named boolean param is true. */
  readsWhen?: Readonly<Record<string, readonly string[]>>
  /** JSON Schema of `params` (checked when the catalog loads). */
  params: Record<string, unknown>
  /** Value sets named by these params must exist. */
  valueSetParams?: readonly string[]
  /** What the value looks like (documentation). */
  returns: string
  /** JSON Schema of the value (checked against rule conditions by `rules check`); see `shape`. */
  returnsSchema?: ReturnSchema
  compute: (ctx: FactContext, params: Record<string, unknown>) => unknown
}

/** Resource types a call of the fact reads with these params. */
export function factReads (def: FactDefinition | undefined, params: Record<string, unknown> | undefined): string[] {
  if (def === undefined) return []
  const extra = Object.entries(def.readsWhen ?? {}).filter(([k]) => params?.[k] === true).flatMap(([, t]) => t)
  return [...def.reads, ...extra]
}

export function num (params: Record<string, unknown>, key: string, fallback?: number): number {
  const v = params[key]
  if (typeof v === 'number') return v
  if (fallback !== undefined) return fallback
  throw new TypeError(`fact parameter ${key} must be a number`)
}

export function text (params: Record<string, unknown>, key: string, fallback?: string): string {
  const v = params[key]
  if (typeof v === 'string') return v
  if (fallback !== undefined) return fallback
  throw new TypeError(`fact parameter ${key} must be a string`)
}

/** The day the order is planned for, else the evaluation day. */
export function anchorDay (ctx: FactContext): number {
  return ctx.order?.day ?? ctx.record.time.day
}

/** Completed facet sessions, oldest first, with intents inferred under the profile in force. */
export function facetHistory (ctx: FactContext): FacetSession[] {
  return completedSessions(ctx.record, ctx.valueSet('facet-procedures'), intentSettings(ctx.parameters))
}

export const POSITIVE = { type: 'number', minimum: 0 }
export const VALUESET = { type: 'string', minLength: 1 }

/** The JSON Schema subset a fact's value is described with. */
export interface ReturnSchema {
  type?: string | string[]
  properties?: Record<string, ReturnSchema>
  items?: ReturnSchema
  additionalProperties?: boolean
}

/**
 * An object schema from member specs: 'boolean' | 'number' | 'string' | 'object' | 'any', unions with
 * '|', arrays with a '[]' suffix, nullable with a '?' suffix; or a nested `shape(...)`.
 */
export function shape (members: Record<string, string | ReturnSchema>, nullable = false): ReturnSchema {
  const one = (spec: string): ReturnSchema => {
    const optional = spec.endsWith('?')
    const base = optional ? spec.slice(0, -1) : spec
    if (base === 'any') return {}
    const types = base.split('|')
    const s: ReturnSchema = base.endsWith('[]')
      ? { type: 'array', items: one(base.slice(0, -2)) }
      : { type: types.length === 1 ? types[0] : types }
    return optional ? { ...s, type: [...[s.type ?? []].flat(), 'null'] } : s
  }
  const properties = Object.fromEntries(Object.entries(members).map(([k, v]) => [k, typeof v === 'string' ? one(v) : v]))
  return { type: nullable ? ['object', 'null'] : 'object', properties, additionalProperties: false }
}
