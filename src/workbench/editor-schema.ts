// What the rule JSON schema says at a place in a document: the members an object may hold, the
// values an enum allows, and the members or values it does not allow (live hints in the editor;
// the service's Validate is the full check). Pure (no DOM): unit tested under Node.

export interface JsonSchema {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  oneOf?: JsonSchema[]
  anyOf?: JsonSchema[]
  allOf?: JsonSchema[]
  description?: string
  definitions?: Record<string, JsonSchema>
}

export type Path = ReadonlyArray<string | number>

export interface SchemaHint { pointer: string, message: string }

/** The schema's alternatives at one place, with $ref, oneOf, anyOf and allOf flattened. */
function expand (root: JsonSchema, s: JsonSchema | undefined, depth = 0): JsonSchema[] {
  if (s === undefined || depth > 20) return []
  if (s.$ref !== undefined) {
    const name = /^#\/definitions\/(.+)$/.exec(s.$ref)?.[1]
    return name === undefined ? [] : expand(root, root.definitions?.[name], depth + 1)
  }
  const nested = [...(s.oneOf ?? []), ...(s.anyOf ?? []), ...(s.allOf ?? [])]
  return [s, ...nested.flatMap((n) => expand(root, n, depth + 1))]
}

function child (root: JsonSchema, s: JsonSchema, step: string | number): JsonSchema[] {
  if (typeof step === 'number') return expand(root, s.items)
  const p = s.properties?.[step]
  if (p !== undefined) return expand(root, p)
  return typeof s.additionalProperties === 'object' ? expand(root, s.additionalProperties) : []
}

/** The alternatives that apply at `path` (empty when the schema says nothing there). */
export function schemasAt (root: JsonSchema, path: Path): JsonSchema[] {
  let here = expand(root, root)
  for (const step of path) here = here.flatMap((s) => child(root, s, step))
  return here
}

/** The member names an object at `path` may hold, with their descriptions. */
export function memberNames (root: JsonSchema, path: Path): Array<{ name: string, description?: string }> {
  const seen = new Map<string, string | undefined>()
  for (const s of schemasAt(root, path)) {
    for (const [name, p] of Object.entries(s.properties ?? {})) {
      if (!seen.has(name) || seen.get(name) === undefined) seen.set(name, p.description)
    }
  }
  return [...seen].map(([name, description]) => description === undefined ? { name } : { name, description })
}

/** The values allowed at `path` when the schema lists them (enum or const). */
export function enumValues (root: JsonSchema, path: Path): unknown[] {
  const values: unknown[] = []
  for (const s of schemasAt(root, path)) {
    for (const v of s.enum ?? []) if (!values.includes(v)) values.push(v)
    if (s.const !== undefined && !values.includes(s.const)) values.push(s.const)
  }
  return values
}

const escape = (t: string | number): string => String(t).replace(/~/g, '~0').replace(/\//g, '~1')

/** Members no alternative allows and values outside an enum, each with the pointer where it is. */
export function schemaHints (root: JsonSchema, value: unknown, path: Array<string | number> = []): SchemaHint[] {
  const pointer = path.map((p) => `/${escape(p)}`).join('')
  const here = schemasAt(root, path)
  if (here.length === 0) return []
  const hints: SchemaHint[] = []
  const allowed = enumValues(root, path)
  const anyOpen = here.some((s) => s.enum === undefined && s.const === undefined)
  if (allowed.length > 0 && !anyOpen && !allowed.includes(value)) {
    hints.push({ pointer, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` })
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => hints.push(...schemaHints(root, v, [...path, i])))
  } else if (value !== null && typeof value === 'object') {
    const objects = here.filter((s) => s.properties !== undefined || s.additionalProperties !== undefined)
    const closed = objects.length > 0 && objects.every((s) => s.additionalProperties === false)
    const known = new Set(memberNames(root, path).map((m) => m.name))
    for (const [k, v] of Object.entries(value)) {
      if (closed && !known.has(k)) hints.push({ pointer: `${pointer}/${escape(k)}`, message: `unknown member "${k}"` })
      else hints.push(...schemaHints(root, v, [...path, k]))
    }
  }
  return hints
}
