// Facts declared in rules/facts.json as FHIRPath over candidate resources. Each expression is
// compiled once with the R4 model; at run time it sees %now, %today, every parameter as %NAME,
// and for each day-valued parameter %since_NAME = the ISO date NAME days before now (compare
// with `date.toString().substring(0, 10) >= %since_NAME`). Candidates come from the record's
// index (type, value set), never the whole bundle.

import fhirpath from 'fhirpath'
import r4 from 'fhirpath/fhir-context/r4/index.js'
import { isoDate } from '../fhir/dates.js'
import type { Resource } from '../fhir/resource.js'
import type { FactDefinition, ReturnSchema } from './facts/fact.js'
import type { FhirPathFactFile } from './types.js'

type Compiled = (resource: unknown, env: Record<string, unknown>) => unknown[]

export const FORBIDDEN_FHIRPATH = [/\bnow\s*\(/, /\btoday\s*\(/, /\bresolve\s*\(/, /\bmemberOf\s*\(/, /%terminologies/]

// The catalog check and every evidence profile compile the same expressions: compile each once.
// Compiled expressions are pure functions of (resource, env); the memo holds one per distinct text.
const COMPILED = new Map<string, Compiled>()

export function compileExpression (expression: string): Compiled {
  let compiled = COMPILED.get(expression)
  if (compiled === undefined) {
    compiled = fhirpath.compile(expression, r4) as unknown as Compiled
    COMPILED.set(expression, compiled)
  }
  return compiled
}

export function fhirPathFact (name: string, def: FhirPathFactFile, parameters: Record<string, number | boolean>,
  dayParameters: readonly string[]): FactDefinition {
  const where = def.where === undefined ? undefined : compileExpression(def.where)
  const select = def.select === undefined ? undefined : compileExpression(def.select)
  // Only the %since_NAME variables an expression names are computed per call.
  const text = `${def.where ?? ''} ${def.select ?? ''}`
  const sinceUsed = dayParameters.filter((p) => text.includes(`%since_${p}`))
  return {
    name,
    description: def.description,
    reads: [def.resourceType],
    params: { type: 'object', additionalProperties: false },
    returns: def.result === 'exists' ? 'boolean' : def.result === 'count' ? 'number' : 'array of values',
    returnsSchema: fhirPathReturns(def.result),
    compute: ({ record, valueSet }) => {
      const env: Record<string, unknown> = { ...parameters, now: record.time.iso, today: record.time.iso.slice(0, 10) }
      for (const p of sinceUsed) env[`since_${p}`] = isoDate(record.time.day - Number(parameters[p]))
      const candidates: readonly Resource[] = def.valueset === undefined
        ? record.ofType(def.resourceType)
        : record.coded(def.resourceType, valueSet(def.valueset)).map((c) => c.resource)
      const values: unknown[] = []
      let count = 0
      for (const resource of candidates) {
        // fhirpath.js documents that input may be modified; give it a copy.
        const input = structuredClone(resource)
        if (where !== undefined && where(input, env)[0] !== true) continue
        count++
        if (def.result === 'exists') return true
        if (select !== undefined) values.push(...select(input, env))
      }
      return def.result === 'exists' ? false : def.result === 'count' ? count : values
    }
  }
}

/** The shape of a FHIRPath fact's value: a boolean, a count, or an array of values of any type. */
export function fhirPathReturns (result: string): ReturnSchema {
  return result === 'exists' ? { type: 'boolean' } : result === 'count' ? { type: 'number' } : { type: 'array', items: {} }
}
