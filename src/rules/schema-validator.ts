// JSON Schema validation of content files against the published schemas in schemas/, and the
// translation of Ajv's raw errors into one message per mistake: the branches of a oneOf/anyOf
// the data was plainly not meant for are dropped, an unknown member says which one it resembles,
// an enum names the allowed values, and a type says what was expected and what was given.

import type { ErrorObject } from 'ajv'
import { closest } from './condition-types.js'
import { type ContentKind, contentSchema, contentValidator } from './validators.js'

export { type ContentKind, SCHEMA_DIR } from './validators.js'

export interface SchemaProblem { pointer: string, message: string }

type Schema = Record<string, unknown>
const isObj = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v)
const WRAPPERS = new Set(['oneOf', 'anyOf', 'if', 'not'])

/** Validates a parsed file; returns one problem per mistake, with its JSON pointer (empty = valid). */
export function validateContent (kind: ContentKind, data: unknown): SchemaProblem[] {
  const validate = contentValidator(kind)
  if (validate(data)) return []
  return describeErrors(validate.errors ?? [], contentSchema(kind))
}

const escape = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1')
const show = (v: unknown): string => JSON.stringify(v) ?? String(v)
const jsonType = (v: unknown): string => v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
/** The members the schema node of an error declares. */
const declared = (e: ErrorObject): string[] =>
  isObj(e.parentSchema) && isObj(e.parentSchema.properties) ? Object.keys(e.parentSchema.properties) : []
const typeOf = (e: ErrorObject): string => String((e.params as { type: string | string[] }).type)

/** Resolves a local `$ref` (`#/definitions/x`) against the root schema. */
function deref (schema: unknown, root: Schema): unknown {
  if (!isObj(schema) || typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#/')) return schema
  let at: unknown = root
  for (const key of schema.$ref.slice(2).split('/')) at = isObj(at) ? at[key] : undefined
  return at
}

/**
 * For a failed oneOf/anyOf, the branch the data was meant for: the one declaring most of the
 * data's members, then the one with fewest errors at that place.
 */
function chosenBranch (wrapper: ErrorObject, errors: ErrorObject[], root: Schema): string | undefined {
  if (!Array.isArray(wrapper.schema) || !isObj(wrapper.data)) return undefined
  const keys = Object.keys(wrapper.data)
  const here = errors.filter((e) => e.instancePath === wrapper.instancePath && !WRAPPERS.has(e.keyword))
  let best: { id: string, score: number, count: number } | undefined
  for (const branch of wrapper.schema) {
    const resolved = deref(branch, root)
    const id = JSON.stringify(resolved)
    const props = isObj(resolved) && isObj(resolved.properties) ? Object.keys(resolved.properties) : []
    const score = keys.filter((k) => props.includes(k)).length
    const count = here.filter((e) => JSON.stringify(e.parentSchema) === id).length
    const better = best === undefined || score > best.score || (score === best.score && count < best.count)
    if (better) best = { id, score, count }
  }
  return best?.id
}

function message (e: ErrorObject): SchemaProblem {
  const pointer = e.instancePath === '' ? '/' : e.instancePath
  switch (e.keyword) {
    case 'additionalProperties': {
      const member = String((e.params as { additionalProperty: string }).additionalProperty)
      const allowed = declared(e)
      const near = closest(member, allowed)
      const hint = near !== undefined
        ? ` — did you mean "${near}"?`
        : allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : ''
      return { pointer: `${e.instancePath}/${escape(member)}`, message: `unknown member "${member}"${hint}` }
    }
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues
      const strings = allowed.filter((a): a is string => typeof a === 'string')
      const near = typeof e.data === 'string' ? closest(e.data, strings) : undefined
      const hint = near === undefined ? '' : ` — did you mean "${near}"?`
      return { pointer, message: `${show(e.data)} is not one of ${allowed.map(show).join(', ')}${hint}` }
    }
    case 'type':
      return {
        pointer,
        message: `expected ${typeOf(e).replace(/,/g, ' or ')}, got ${jsonType(e.data)} ${show(e.data)}`
      }
    case 'required':
      return { pointer, message: `missing member "${(e.params as { missingProperty: string }).missingProperty}"` }
    default:
      return { pointer, message: e.message ?? 'is invalid' }
  }
}

/** One problem per mistake from Ajv's errors (run with `verbose`, so each error knows its schema node). */
export function describeErrors (raw: ErrorObject[], root: Schema): SchemaProblem[] {
  let errors = [...raw]
  // Every type error at one place (the branches of an anyOf of types) is one mistake.
  const types = new Map<string, ErrorObject>()
  errors = errors.filter((e) => {
    if (e.keyword !== 'type') return true
    const first = types.get(e.instancePath)
    if (first === undefined) { types.set(e.instancePath, e); return true }
    const all = new Set([typeOf(first), typeOf(e)].flatMap((t) => t.split(',')))
    ;(first.params as { type: string }).type = [...all].join(',')
    return false
  })
  // The branches of a failed oneOf/anyOf that the data was not meant for.
  for (const w of raw.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')) {
    const keep = chosenBranch(w, errors, root)
    if (keep === undefined || !Array.isArray(w.schema)) continue
    const others = new Set(w.schema.map((b) => JSON.stringify(deref(b, root))).filter((id) => id !== keep))
    errors = errors.filter((e) => e.instancePath !== w.instancePath || !others.has(JSON.stringify(e.parentSchema)))
  }
  // A member that resembles a known one explains the missing members and failed branches at its place.
  const typoAt = new Set<string>()
  const typoFor = new Set<string>()
  for (const e of errors.filter((x) => x.keyword === 'additionalProperties')) {
    const near = closest(String((e.params as { additionalProperty: string }).additionalProperty), declared(e))
    if (near !== undefined) { typoAt.add(e.instancePath); typoFor.add(`${e.instancePath}/${near}`) }
  }
  const specific = errors.filter((e) => {
    if (WRAPPERS.has(e.keyword)) return false
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty
      if (typoFor.has(`${e.instancePath}/${missing}`)) return false
      // A branch requirement beside a typo is the typo's consequence.
      if (typoAt.has(e.instancePath) && /\/(oneOf|anyOf)\/\d+\//.test(e.schemaPath)) return false
    }
    // An error at a place that also has errors further in: the deeper one is the specific one.
    const deeper = errors.some((d) => d.instancePath.startsWith(`${e.instancePath}/`))
    if (e.keyword !== 'additionalProperties' && e.keyword !== 'required' && deeper) return false
    return true
  })
  const kept = specific.length > 0 ? specific : errors.slice(0, 1)
  const seen = new Set<string>()
  const out: SchemaProblem[] = []
  for (const p of kept.map(message)) {
    const key = `${p.pointer}|${p.message}`
    if (!seen.has(key)) { seen.add(key); out.push(p) }
  }
  return out
}
