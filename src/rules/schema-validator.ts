// JSON Schema validation of content files against the published schemas in schemas/.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

export type ContentKind = 'rule' | 'cases' | 'services' | 'facts' | 'parameters' | 'valueset'

export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url))

export interface SchemaProblem { pointer: string, message: string }

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv

function build (): Record<ContentKind, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false })
  addFormats(ajv)
  const load = (kind: ContentKind): ValidateFunction =>
    ajv.compile(JSON.parse(readFileSync(`${SCHEMA_DIR}${kind}.schema.json`, 'utf8')) as object)
  return {
    rule: load('rule'),
    cases: load('cases'),
    services: load('services'),
    facts: load('facts'),
    parameters: load('parameters'),
    valueset: load('valueset')
  }
}

let validators: Record<ContentKind, ValidateFunction> | undefined

/** Validates a parsed file; returns every problem with its JSON pointer (empty = valid). */
export function validateContent (kind: ContentKind, data: unknown): SchemaProblem[] {
  validators ??= build()
  const validate = validators[kind]
  if (validate(data)) return []
  const seen = new Set<string>()
  const problems: SchemaProblem[] = []
  for (const e of validate.errors ?? []) {
    // oneOf/anyOf wrappers repeat their branches' errors; keep the specific ones.
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue
    const extra = e.keyword === 'additionalProperties'
      ? `: ${String((e.params as { additionalProperty?: string }).additionalProperty)}`
      : e.keyword === 'enum' ? `: ${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)}` : ''
    const message = `${e.message ?? 'is invalid'}${extra}`
    const key = `${e.instancePath}|${message}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push({ pointer: e.instancePath === '' ? '/' : e.instancePath, message })
  }
  return problems
}
