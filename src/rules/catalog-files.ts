// Reads the clinical content from a rules directory: services, parameters, FHIRPath facts,
// value sets, and every <group>/<RULE-ID>.rule.json with its sibling .cases.json. Each file is
// parsed and schema-validated here; cross-file checks live in catalog-check.ts.

import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { ValueSetFile } from '../fhir/valueset.js'
import { type CatalogProblem, type Unchecked, jsonSyntaxMessage, noneUnchecked } from './catalog-problems.js'
import { type ContentKind, type SchemaProblem, validateContent } from './schema-validator.js'
import type { CasesFile, CatalogContent, FactsFile, ParametersFile, RuleContent, RuleFile, ServicesFile } from './types.js'

export interface ReadResult { content: CatalogContent, problems: CatalogProblem[], hash: string, unchecked: Unchecked }

function walk (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...walk(full))
    else if (name.endsWith('.json')) out.push(full)
  }
  return out
}

/**
 * Validates a file of named entries (parameters.json, facts.json) entry by entry: an entry with a
 * problem is left out and named in `broken`, and the rest of the file still loads. undefined when
 * a problem lies outside the entries (the whole file is then unknown).
 */
function salvage (data: unknown, member: string, found: SchemaProblem[], broken: Set<string>): unknown {
  const prefix = `/${member}/`
  if (found.some((p) => !p.pointer.startsWith(prefix) || p.pointer.length === prefix.length)) return undefined
  const names = new Set(found.map((p) => p.pointer.slice(prefix.length).split('/')[0] ?? ''))
  const o = data as Record<string, Record<string, unknown>>
  const pointerKey = (k: string): string => k.replace(/~/g, '~0').replace(/\//g, '~1')
  const kept = Object.fromEntries(Object.entries(o[member] ?? {}).filter(([k]) => !names.has(pointerKey(k))))
  for (const k of Object.keys(o[member] ?? {})) if (!(k in kept)) broken.add(k)
  return { ...o, [member]: kept }
}

/**
 * A parameter's value type is declared by its default: when the default itself is wrong, the
 * expected type is the one its unit (numbers only) or its profile overrides imply.
 */
function withDeclaredType (p: SchemaProblem, data: unknown): SchemaProblem {
  const m = /^\/parameters\/([^/]+)\/default$/.exec(p.pointer)
  if (m === null || !p.message.startsWith('expected number or boolean, ')) return p
  type Param = { unit?: unknown, profiles?: Record<string, unknown> } | undefined
  const param = (data as { parameters: Record<string, Param> }).parameters[m[1] ?? '']
  const overrides = new Set(Object.values(param?.profiles ?? {}).map((v) => typeof v))
  const why = param?.unit !== undefined
    ? 'number (it has a unit)'
    : overrides.size === 1 ? `${[...overrides].join('')} (like its profile overrides)` : undefined
  if (why === undefined) return p
  return { pointer: p.pointer, message: p.message.replace('expected number or boolean, ', `expected ${why}, `) }
}

/**
 * Schema-validates one parsed file. Its problems are located in `file` (and `rule`); what it
 * leaves unknown goes into `unchecked`. parameters.json and facts.json keep their valid entries.
 */
export function validateFile<T> (kind: ContentKind, data: unknown, at: { file: string, rule?: string | undefined },
  unchecked: Unchecked): { value: T | undefined, problems: CatalogProblem[] } {
  const found = validateContent(kind, data).map((p) => kind === 'parameters' ? withDeclaredType(p, data) : p)
  const { file, rule } = at
  const problems = found.map((p) => ({ file, ...(rule === undefined ? {} : { rule }), ...p }))
  if (found.length === 0) return { value: data as T, problems }
  const broken = kind === 'parameters' ? unchecked.parameters : kind === 'facts' ? unchecked.facts : undefined
  const rest = broken === undefined ? undefined : salvage(data, kind, found, broken)
  if (rest !== undefined && validateContent(kind, rest).length === 0) return { value: rest as T, problems }
  unchecked.files.add(file)
  return { value: undefined, problems }
}

/** Reads and validates every content file; problems are collected, never thrown. */
export function readCatalogFiles (dir: string): ReadResult {
  const problems: CatalogProblem[] = []
  const unchecked = noneUnchecked()
  const hash = createHash('sha256')
  const parsed = new Map<string, unknown>()
  let files: string[] = []
  try {
    files = walk(dir)
  } catch (err) {
    problems.push({ file: dir, pointer: '/', message: `cannot read rules directory: ${(err as Error).message}` })
  }
  for (const full of files) {
    const file = relative(dir, full)
    const text = readFileSync(full, 'utf8')
    hash.update(file).update('\0').update(text).update('\0')
    try {
      parsed.set(file, JSON.parse(text))
    } catch (err) {
      problems.push({ file, pointer: '/', message: jsonSyntaxMessage(text, err) })
      unchecked.files.add(file)
    }
  }
  const known = new Set(files.map((full) => relative(dir, full)))
  const take = <T>(file: string, kind: ContentKind): T | undefined => {
    const data = parsed.get(file)
    if (data === undefined) return undefined
    const rule = kind === 'rule' || kind === 'cases' ? idOf(data) : undefined
    const result = validateFile<T>(kind, data, { file, rule }, unchecked)
    problems.push(...result.problems)
    return result.value
  }
  const required = (file: string): void => {
    if (!known.has(file) && !problems.some((p) => p.file === file)) problems.push({ file, pointer: '/', message: 'file is missing' })
  }
  required('services.json')
  required('parameters.json')
  const services = take<ServicesFile>('services.json', 'services')
  const parameters = take<ParametersFile>('parameters.json', 'parameters')
  const facts = take<FactsFile>('facts.json', 'facts') ?? { facts: {} }
  const valueSets: ValueSetFile[] = []
  const rules: RuleContent[] = []
  for (const file of known) {
    if (file.startsWith('valuesets/')) {
      const vs = take<ValueSetFile>(file, 'valueset')
      const named = file.slice('valuesets/'.length).replace(/\.json$/, '')
      if (vs === undefined) unchecked.valueSets.add(named)
      else if (vs.id !== named) {
        problems.push({ file, pointer: '/id', message: `id "${vs.id}" does not match the file name (expected "${named}")` })
        unchecked.valueSets.add(named).add(vs.id)
      } else valueSets.push(vs)
    } else if (file.endsWith('.rule.json')) {
      const rule = take<RuleFile>(file, 'rule')
      if (rule === undefined) {
        unchecked.rules.add(file.split('/').pop()?.replace(/\.rule\.json$/, '') ?? file)
        continue
      }
      const casesFile = file.replace(/\.rule\.json$/, '.cases.json')
      const cases = parsed.has(casesFile) ? take<CasesFile>(casesFile, 'cases') : undefined
      rules.push({
        file,
        rule,
        ...(parsed.has(casesFile) ? { casesFile } : {}),
        ...(cases === undefined ? {} : { cases })
      })
    } else if (file.endsWith('.cases.json')) {
      if (!known.has(file.replace(/\.cases\.json$/, '.rule.json'))) {
        problems.push({ file, pointer: '/rule', message: 'cases file has no sibling .rule.json' })
      }
    }
  }
  return {
    content: {
      dir,
      services: services?.services ?? [],
      parameters: parameters ?? { profiles: {}, defaultProfile: '', parameters: {} },
      valueSets,
      facts,
      rules
    },
    problems,
    hash: hash.digest('hex').slice(0, 16),
    unchecked
  }
}

function idOf (data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined
  const d = data as { id?: unknown, rule?: unknown }
  const id = typeof d.id === 'string' ? d.id : d.rule
  return typeof id === 'string' ? id : undefined
}
