// Reads the clinical content from a rules directory: services, parameters, FHIRPath facts,
// value sets, and every <group>/<RULE-ID>.rule.json with its sibling .cases.json. Each file is
// parsed and schema-validated here; cross-file checks live in catalog-check.ts.

import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { ValueSetFile } from '../fhir/valueset.js'
import type { CatalogProblem } from './catalog-problems.js'
import { type ContentKind, validateContent } from './schema-validator.js'
import type { CasesFile, CatalogContent, FactsFile, ParametersFile, RuleContent, RuleFile, ServicesFile } from './types.js'

export interface ReadResult { content: CatalogContent, problems: CatalogProblem[], hash: string }

function walk (dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...walk(full))
    else if (name.endsWith('.json')) out.push(full)
  }
  return out
}

/** Reads and validates every content file; problems are collected, never thrown. */
export function readCatalogFiles (dir: string): ReadResult {
  const problems: CatalogProblem[] = []
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
      problems.push({ file, pointer: '/', message: `not valid JSON: ${(err as Error).message}` })
    }
  }
  const take = <T>(file: string, kind: ContentKind): T | undefined => {
    const data = parsed.get(file)
    if (data === undefined) return undefined
    const ruleId = kind === 'rule' || kind === 'cases' ? idOf(data) : undefined
    const found = validateContent(kind, data)
    for (const p of found) {
      problems.push({
        file,
        ...(ruleId === undefined ? {} : { rule: ruleId }),
        pointer: p.pointer,
        message: p.message
      })
    }
    return found.length === 0 ? data as T : undefined
  }
  const required = (file: string): void => {
    if (!parsed.has(file) && !problems.some((p) => p.file === file)) problems.push({ file, pointer: '/', message: 'file is missing' })
  }
  required('services.json')
  required('parameters.json')
  const services = take<ServicesFile>('services.json', 'services')
  const parameters = take<ParametersFile>('parameters.json', 'parameters')
  const facts = take<FactsFile>('facts.json', 'facts') ?? { facts: {} }
  const valueSets: ValueSetFile[] = []
  const rules: RuleContent[] = []
  for (const file of parsed.keys()) {
    if (file.startsWith('valuesets/')) {
      const vs = take<ValueSetFile>(file, 'valueset')
      if (vs !== undefined && `valuesets/${vs.id}.json` !== file) problems.push({ file, pointer: '/id', message: `id "${vs.id}" does not match the file name` })
      else if (vs !== undefined) valueSets.push(vs)
    } else if (file.endsWith('.rule.json')) {
      const rule = take<RuleFile>(file, 'rule')
      if (rule === undefined) continue
      const casesFile = file.replace(/\.rule\.json$/, '.cases.json')
      const cases = parsed.has(casesFile) ? take<CasesFile>(casesFile, 'cases') : undefined
      rules.push({
        file,
        rule,
        ...(parsed.has(casesFile) ? { casesFile } : {}),
        ...(cases === undefined ? {} : { cases })
      })
    } else if (file.endsWith('.cases.json')) {
      if (!parsed.has(file.replace(/\.cases\.json$/, '.rule.json'))) {
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
    hash: hash.digest('hex').slice(0, 16)
  }
}

function idOf (data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined
  const d = data as { id?: unknown, rule?: unknown }
  const id = typeof d.id === 'string' ? d.id : d.rule
  return typeof id === 'string' ? id : undefined
}
