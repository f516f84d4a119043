// Every Ajv validator of the clinical content: the published schemas (schemas/*.schema.json) and
// the fact library's params schemas. `npm run build` writes them as Ajv standalone code
// (dist/validators.cjs, stamped with the schemas' sha256); a start takes that module when it was
// generated from these very schemas — compiling them costs ~150 ms of a cold start — and
// compiles them itself otherwise (tsx, tests, an edited schema).

import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import standaloneCode from 'ajv/dist/standalone/index.js'
import addFormatsModule from 'ajv-formats'
import { FACT_LIBRARY } from './facts/index.js'

export type ContentKind = 'rule' | 'cases' | 'services' | 'facts' | 'parameters' | 'valueset'
const KINDS: readonly ContentKind[] = ['rule', 'cases', 'services', 'facts', 'parameters', 'valueset']

export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url))
const STANDALONE = fileURLToPath(new URL('../../dist/validators.cjs', import.meta.url))

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const standalone = standaloneCode as unknown as (ajv: Ajv, refs: Record<string, string>) => string

/** Validator keys → schemas: `content:<kind>` and `params:<fact>`. */
function sources (): Map<string, object> {
  const out = new Map<string, object>()
  for (const kind of KINDS) out.set(`content:${kind}`, JSON.parse(readFileSync(`${SCHEMA_DIR}${kind}.schema.json`, 'utf8')) as object)
  for (const [name, def] of [...FACT_LIBRARY].sort(([a], [b]) => a.localeCompare(b))) out.set(`params:${name}`, def.params)
  return out
}

// verbose: errors carry their schema node, which schema-validator.ts reads to name the allowed members.
const AJV_OPTIONS = { allErrors: true, strict: false, validateSchema: false, verbose: true } as const

const hashOf = (schemas: Map<string, object>): string =>
  createHash('sha256').update(JSON.stringify([AJV_OPTIONS, ...schemas])).digest('hex')

// The schemas are ours (a test checks them against the meta-schema): no meta-schema compile at start.
function newAjv (code?: object): Ajv {
  return addFormats(new Ajv({ ...AJV_OPTIONS, ...(code === undefined ? {} : { code }) }))
}

/** The validators of a standalone module, when it was generated from these very schemas. */
export function standaloneValidators (
  file = STANDALONE,
  schemas = sources()
): Map<string, ValidateFunction> | undefined {
  try {
    const mod = createRequire(import.meta.url)(file) as { hash?: string } & Record<string, ValidateFunction>
    if (mod.hash === hashOf(schemas)) return new Map([...schemas.keys()].map((k) => [k, mod[k] as ValidateFunction]))
  } catch {
    // Not built (tsx, tests) or unreadable: the caller compiles.
  }
  return undefined
}

/** Every validator compiled now. */
export function compiledValidators (schemas = sources()): Map<string, ValidateFunction> {
  const ajv = newAjv()
  return new Map([...schemas].map(([k, s]) => [k, ajv.compile(s)]))
}

function load (): Map<string, ValidateFunction> {
  const schemas = sources()
  return standaloneValidators(STANDALONE, schemas) ?? compiledValidators(schemas)
}

let validators: Map<string, ValidateFunction> | undefined

function validator (key: string): ValidateFunction {
  validators ??= load()
  const v = validators.get(key)
  if (v === undefined) throw new Error(`no validator ${key}`)
  return v
}

const schemaFiles = new Map<ContentKind, Record<string, unknown>>()

/** The published schema of a kind of content file, as written. */
export function contentSchema (kind: ContentKind): Record<string, unknown> {
  let s = schemaFiles.get(kind)
  if (s === undefined) {
    s = JSON.parse(readFileSync(`${SCHEMA_DIR}${kind}.schema.json`, 'utf8')) as Record<string, unknown>
    schemaFiles.set(kind, s)
  }
  return s
}

export const contentValidator = (kind: ContentKind): ValidateFunction => validator(`content:${kind}`)
export const paramsValidator = (fact: string): ValidateFunction => validator(`params:${fact}`)

/** The build step: every validator as standalone CommonJS code, stamped with the schemas' hash. */
export function writeStandaloneValidators (file = STANDALONE): void {
  const schemas = sources()
  const ajv = newAjv({ source: true })
  for (const [k, s] of schemas) ajv.addSchema(s, k)
  const code = standalone(ajv, Object.fromEntries([...schemas.keys()].map((k) => [k, k])))
  writeFileSync(file, `${code}\nexports.hash = ${JSON.stringify(hashOf(schemas))};\n`)
}
