// Validates posted clinical content (POST /rules/validate): one rule (optionally with its cases)
// checked against the running catalog's parameters, value sets and fact library, or a whole
// catalog. Every problem is located (file, rule, JSON pointer); valid content also runs its cases.

import { DomainError } from '../errors.js'
import type { ValueSetFile } from '../fhir/valueset.js'
import { type CaseResult, runAllCases } from './case-runner.js'
import { checkCatalog } from '../rules/catalog-check.js'
import { validateFile } from '../rules/catalog-files.js'
import { type CatalogProblem, noneUnchecked } from '../rules/catalog-problems.js'
import { compileCatalog } from '../rules/catalog.js'
import type { Catalog } from '../rules/compiled.js'
import type { ContentKind } from '../rules/schema-validator.js'
import type { CasesFile, CatalogContent, FactsFile, ParametersFile, RuleContent, RuleFile, ServiceFile } from '../rules/types.js'

export interface ValidationProblem extends CatalogProblem { severity: 'error' | 'warning' }

export interface ValidationReport {
  valid: boolean
  kind: 'rule' | 'catalog'
  rules: string[]
  problems: ValidationProblem[]
  cases: { passed: number, failed: number, skipped: number }
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Schema problems of the posted files, and what they leave unknown (as `rules check` reads a folder). */
class Collector {
  readonly problems: ValidationProblem[] = []
  readonly unchecked = noneUnchecked()
  take<T> (kind: ContentKind, data: unknown, file: string, rule?: string): T | undefined {
    const { value, problems } = validateFile<T>(kind, data, { file, rule }, this.unchecked)
    this.problems.push(...problems.map((p) => ({ severity: 'error' as const, ...p })))
    return value
  }
}

/** `{rule, cases?}`, a bare rule file, or a rule with `cases` as an array of cases. */
function ruleEntry (value: unknown, c: Collector, at: string): RuleContent | undefined {
  if (!isObj(value)) { c.problems.push({ severity: 'error', file: at, pointer: '/', message: 'a rule must be a JSON object' }); return undefined }
  const wrapped = isObj(value.rule) && value.id === undefined
  const ruleData = wrapped ? value.rule : Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'cases'))
  const id = isObj(ruleData) && typeof ruleData.id === 'string' ? ruleData.id : undefined
  const group = isObj(ruleData) && typeof ruleData.group === 'string' ? ruleData.group : 'posted'
  const file = `${group}/${id ?? 'posted'}.rule.json`
  const casesFile = file.replace(/\.rule\.json$/, '.cases.json')
  const rule = c.take<RuleFile>('rule', ruleData, file, id)
  if (rule === undefined && id !== undefined) c.unchecked.rules.add(id)
  const rawCases = value.cases
  const casesData = Array.isArray(rawCases) ? { rule: id, cases: rawCases } : rawCases
  const cases = casesData === undefined ? undefined : c.take<CasesFile>('cases', casesData, casesFile, id)
  if (rule === undefined) return undefined
  return { file, rule, ...(casesData === undefined ? {} : { casesFile }), ...(cases === undefined ? {} : { cases }) }
}

function isCatalogBody (body: Obj): boolean {
  return Array.isArray(body.rules) &&
    (body.services !== undefined || body.parameters !== undefined || body.valueSets !== undefined)
}

function catalogContent (body: Obj, c: Collector): CatalogContent {
  const servicesData = Array.isArray(body.services) ? { services: body.services } : body.services
  const services = c.take<{ services: ServiceFile[] }>('services', servicesData ?? { services: [] }, 'services.json')
  const parameters = c.take<ParametersFile>('parameters', body.parameters, 'parameters.json')
  const factsData = isObj(body.facts) && !isObj(body.facts.facts) ? { facts: body.facts } : body.facts ?? { facts: {} }
  const facts = c.take<FactsFile>('facts', factsData, 'facts.json') ?? { facts: {} }
  const valueSets: ValueSetFile[] = []
  if (body.valueSets !== undefined && !Array.isArray(body.valueSets)) c.problems.push({ severity: 'error', file: 'valuesets/', pointer: '/valueSets', message: 'valueSets must be an array of value set files' })
  ;((Array.isArray(body.valueSets) ? body.valueSets : []) as unknown[]).forEach((v, i) => {
    const id = isObj(v) && typeof v.id === 'string' ? v.id : `#${i}`
    const vs = c.take<ValueSetFile>('valueset', v, `valuesets/${id}.json`)
    if (vs !== undefined) valueSets.push(vs)
    else c.unchecked.valueSets.add(id)
  })
  const rules = (body.rules as unknown[]).map((r, i) => ruleEntry(r, c, `rules[${i}]`)).filter((r): r is RuleContent => r !== undefined)
  return {
    dir: '(posted)',
    services: services?.services ?? [],
    parameters: parameters ?? { profiles: {}, defaultProfile: '', parameters: {} },
    valueSets,
    facts,
    rules
  }
}

function summariseCases (results: CaseResult[], content: CatalogContent, c: Collector): ValidationReport['cases'] {
  for (const r of results.filter((x) => x.status === 'fail')) {
    const rc = content.rules.find((x) => x.rule.id === r.rule)
    const index = rc?.cases?.cases.findIndex((x) => x.name === r.name) ?? -1
    c.problems.push({ severity: 'error', file: rc?.casesFile ?? `${r.rule}.cases.json`, rule: r.rule, pointer: index >= 0 ? `/cases/${index}` : '/cases', message: `case "${r.name}" fails: ${r.message ?? ''}` })
  }
  return {
    passed: results.filter((r) => r.status === 'pass').length,
    failed: results.filter((r) => r.status === 'fail').length,
    skipped: results.filter((r) => r.status === 'skip').length
  }
}

/**
 * One posted rule (no cases needed) checked as `rules check` would, inside `content` (replacing the
 * rule with the same id, or added): its errors, and the content with it in place.
 */
export function checkOneRule (
  value: unknown,
  content: CatalogContent
): { content: CatalogContent, entry?: RuleContent, problems: CatalogProblem[] } {
  const c = new Collector()
  const entry = ruleEntry(value, c, 'posted.rule.json')
  const next = entry === undefined
    ? content
    : { ...content, rules: [...content.rules.filter((r) => r.rule.id !== entry.rule.id), entry] }
  if (entry !== undefined) {
    for (const p of checkCatalog(next, c.unchecked)) {
      if (p.file === entry.file && !p.message.startsWith('no cases file')) c.problems.push({ ...p, severity: 'error' })
    }
  }
  return { content: next, ...(entry === undefined ? {} : { entry }), problems: c.problems.filter((p) => p.severity === 'error') }
}

/** Cases in a posted body (one rule, `{rule, cases}`, or a catalog), with where each batch sits. */
export function postedCaseCounts (body: unknown): Array<{ expression: string, count: number }> {
  if (!isObj(body)) return []
  const casesOf = (v: unknown): number =>
    Array.isArray(v) ? v.length : isObj(v) && Array.isArray(v.cases) ? v.cases.length : 0
  if (isCatalogBody(body)) {
    return (body.rules as unknown[]).map((r, i) => ({ expression: `rules[${i}].cases`, count: isObj(r) ? casesOf(r.cases) : 0 }))
  }
  return [{ expression: 'cases', count: casesOf(body.cases) }]
}

/** Refuses (422, located) a body with more cases than `max` in all: validating them would take too long. */
export function checkCaseCap (body: unknown, max: number): void {
  const counts = postedCaseCounts(body)
  const total = counts.reduce((n, c) => n + c.count, 0)
  if (total <= max) return
  throw new DomainError('invalid-rules', `${total} cases posted; at most ${max} are validated at once`,
    counts.filter((c) => c.count > 0).map((c) => ({ expression: c.expression, diagnostics: `${c.count} cases here; ${total} in all exceeds VALIDATE_MAX_CASES = ${max}` })))
}

export async function validatePosted (body: unknown, running: Pick<Catalog, 'content'>, now: Date): Promise<ValidationReport> {
  if (!isObj(body)) {
    throw new DomainError('invalid-request', 'the body must be a JSON object', [{ expression: 'body', diagnostics: 'post one rule ({"id": …} or {"rule": {…}, "cases": {…}}) or a whole catalog ({services, parameters, valueSets, facts, rules})' }])
  }
  const c = new Collector()
  const kind = isCatalogBody(body) ? 'catalog' : 'rule'
  let content: CatalogContent
  let posted: RuleContent[]
  if (kind === 'catalog') {
    content = catalogContent(body, c)
    posted = content.rules
  } else {
    const entry = ruleEntry(body, c, 'posted.rule.json')
    posted = entry === undefined ? [] : [entry]
    content = {
      ...running.content,
      rules: [...running.content.rules.filter((r) => r.rule.id !== entry?.rule.id), ...posted]
    }
  }
  let cases = { passed: 0, failed: 0, skipped: 0 }
  // A broken file or entry was reported above; what names it is not reported again (as in `rules check`).
  if (posted.length > 0 || kind === 'catalog') {
    const files = new Set(posted.flatMap((r) => [r.file, r.file.replace(/\.rule\.json$/, '.cases.json')]))
    for (const p of checkCatalog(content, c.unchecked)) {
      if (kind === 'catalog' || files.has(p.file)) {
        // A single rule posted without cases is checkable, but reload would refuse it: a warning.
        const severity = kind === 'rule' && posted[0]?.casesFile === undefined && p.message.startsWith('no cases file') ? 'warning' : 'error'
        c.problems.push({ ...p, severity })
      }
    }
  }
  if (!c.problems.some((p) => p.severity === 'error')) {
    try {
      const compiled = compileCatalog(content, 'posted', now)
      const results: CaseResult[] = []
      for (const r of posted) results.push(...await runAllCases(compiled, r.rule.id))
      cases = summariseCases(results, content, c)
    } catch (err) {
      c.problems.push({ severity: 'error', file: posted[0]?.file ?? '(posted)', pointer: '/', message: `the content does not evaluate: ${err instanceof Error ? err.message : String(err)}` })
    }
  }
  return { valid: !c.problems.some((p) => p.severity === 'error'), kind, rules: posted.map((r) => r.rule.id), problems: c.problems, cases }
}
