// JSON Schema validation of content files against the published schemas in schemas/.

import { type ContentKind, contentValidator } from './validators.js'

export { type ContentKind, SCHEMA_DIR } from './validators.js'

export interface SchemaProblem { pointer: string, message: string }

/** Validates a parsed file; returns every problem with its JSON pointer (empty = valid). */
export function validateContent (kind: ContentKind, data: unknown): SchemaProblem[] {
  const validate = contentValidator(kind)
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
