// Compares a schema documented in openapi.yaml with a route's JSON Schema, member by member:
// type, enum, properties, required, items and additionalProperties (descriptions, formats and
// examples are the document's own). Returns one line per difference, `<pointer>: <what>`.

export interface JsonSchema {
  $ref?: string
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  additionalProperties?: boolean | JsonSchema
  patternProperties?: Record<string, JsonSchema>
  [member: string]: unknown
}

function resolve (schema: JsonSchema, doc: unknown): JsonSchema {
  if (schema.$ref === undefined) return schema
  const target = schema.$ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], doc)
  if (target === undefined) throw new Error(`unresolved ${schema.$ref}`)
  return resolve(target as JsonSchema, doc)
}

/** A union of string constants (TypeBox `Union([Literal…])`) read as `{ type: 'string', enum }`. */
function normalize (schema: JsonSchema): JsonSchema {
  const consts = schema.anyOf?.every((s) => s.const !== undefined) === true
    ? schema.anyOf.map((s) => s.const)
    : undefined
  const base = consts === undefined ? schema : { ...schema, type: typeof consts[0], enum: consts }
  // TypeBox `Record(String, X)` is patternProperties; openapi.yaml writes additionalProperties: X.
  const pattern = base.patternProperties === undefined ? undefined : Object.values(base.patternProperties)[0]
  return pattern === undefined ? base : { ...base, additionalProperties: pattern }
}

const sorted = (values: readonly unknown[] | undefined): string =>
  JSON.stringify([...(values ?? [])].map(String).sort())

export function schemaDifferences (documented: JsonSchema, declared: JsonSchema, doc: unknown, pointer = ''): string[] {
  const d = normalize(resolve(documented, doc))
  const r = normalize(declared)
  const out: string[] = []
  const differ = (member: string, a: string, b: string): void => {
    if (a !== b) out.push(`${pointer}: ${member} ${a} in openapi.yaml, ${b} in the route schema`)
  }
  differ('type', JSON.stringify(d.type), JSON.stringify(r.type))
  if (d.enum !== undefined || r.enum !== undefined) differ('enum', sorted(d.enum), sorted(r.enum))
  differ('required', sorted(d.required), sorted(r.required))
  differ('properties', sorted(Object.keys(d.properties ?? {})), sorted(Object.keys(r.properties ?? {})))
  for (const [name, member] of Object.entries(d.properties ?? {})) {
    const other = r.properties?.[name]
    if (other !== undefined) out.push(...schemaDifferences(member, other, doc, `${pointer}/${name}`))
  }
  if (d.items !== undefined && r.items !== undefined) out.push(...schemaDifferences(d.items, r.items, doc, `${pointer}/items`))
  else differ('items', String(d.items !== undefined), String(r.items !== undefined))
  const da = d.additionalProperties
  const ra = r.additionalProperties
  if (typeof da === 'object' && typeof ra === 'object') {
    out.push(...schemaDifferences(da, ra, doc, `${pointer}/additionalProperties`))
  } else {
    const open = (a: unknown): string => (typeof a === 'object' ? 'a schema' : String(a === true))
    differ('additionalProperties', open(da), open(ra))
  }
  return out
}
