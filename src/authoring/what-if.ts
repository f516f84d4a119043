// What-if (POST /rules/what-if): evaluates records (Bundles or captured hook requests) with the
// catalog in force and with an edited one (a posted rule and/or parameter values), side by side.
// The catalog in force is never changed; an invalid edit is refused with located problems.

import { chooseHook, evaluateBundle, parseNow } from '../cds/evaluate-bundle.js'
import { profileOf } from '../cds/evaluate.js'
import type { Card } from '../cds/types.js'
import { DomainError, type IssueLocation } from '../errors.js'
import { formatProblem } from '../rules/catalog-problems.js'
import { compileCatalog } from '../rules/catalog.js'
import type { Catalog } from '../rules/compiled.js'
import type { CatalogContent } from '../rules/types.js'
import { checkOneRule } from './validate-posted.js'

export interface WhatIfBody {
  records: Array<{ name: string, input: unknown }>
  hook?: string
  now?: string
  profile?: string
  rule?: unknown
  parameters?: Record<string, number | boolean>
}

export interface WhatIfRecord { name: string, inForce: Card[], edited: Card[], changed: boolean, error?: string }
export interface WhatIfCount { rule: string, variant?: string, inForce: number, edited: number }
export interface WhatIfReport { catalog: string, records: WhatIfRecord[], counts: WhatIfCount[] }

/** The edited content: parameter values set for `profile`, the posted rule in place. Problems → 422. */
export function editedContent (running: CatalogContent, body: WhatIfBody, profile: string): CatalogContent {
  const issues: IssueLocation[] = []
  const defs = running.parameters.parameters
  const parameters = structuredClone(defs)
  for (const [name, value] of Object.entries(body.parameters ?? {})) {
    const def = parameters[name]
    if (def === undefined) {
      const upper = name.toUpperCase()
      const near = Object.keys(defs).filter((k) => k.includes(upper) || upper.includes(k)).slice(0, 3)
      issues.push({ expression: `parameters.${name}`, diagnostics: `parameters.${name}: unknown parameter${near.length > 0 ? `; did you mean ${near.join(', ')}?` : '; see GET /rules for the parameters in force'}` })
      continue
    }
    if (typeof value !== typeof def.default) {
      issues.push({ expression: `parameters.${name}`, diagnostics: `parameters.${name}: must be a ${typeof def.default} (like its default ${JSON.stringify(def.default)}), got ${JSON.stringify(value)}` })
      continue
    }
    def.profiles = { ...def.profiles, [profile]: value }
  }
  let content: CatalogContent = { ...running, parameters: { ...running.parameters, parameters } }
  if (body.rule !== undefined) {
    const checked = checkOneRule(body.rule, content)
    issues.push(...checked.problems.map((p) => ({ expression: `rule#${p.pointer}`, diagnostics: formatProblem(p) })))
    content = checked.content
  }
  if (issues.length > 0) throw new DomainError('invalid-rules', `the edit is invalid: ${issues.length} problem(s)`, issues)
  return content
}

/** Cards as compared: uuids (of the card and its suggestions) left out. */
function withoutUuids (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUuids)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'uuid').map(([k, v]) => [k, withoutUuids(v)]))
}

const located = (err: unknown): string => err instanceof DomainError
  ? err.issues.map((i) => i.expression === '' ? i.diagnostics : `${i.expression}: ${i.diagnostics}`).join('; ')
  : `cannot be evaluated: ${err instanceof Error ? err.message : String(err)}`

function countCards (records: WhatIfRecord[]): WhatIfCount[] {
  const counts = new Map<string, WhatIfCount>()
  const add = (cards: Card[], side: 'inForce' | 'edited'): void => {
    for (const c of cards) {
      const { rule, variant } = c.extension['org.facet-pt-cds']
      const key = `${rule}/${variant ?? ''}`
      const e = counts.get(key) ?? { rule, ...(variant === undefined ? {} : { variant }), inForce: 0, edited: 0 }
      e[side]++
      counts.set(key, e)
    }
  }
  for (const r of records) { add(r.inForce, 'inForce'); add(r.edited, 'edited') }
  return [...counts.values()].sort((a, b) => a.rule.localeCompare(b.rule) || String(a.variant ?? '').localeCompare(String(b.variant ?? '')))
}

export async function whatIf (
  body: WhatIfBody,
  running: Catalog,
  deps: { now: Date, profile: string }
): Promise<WhatIfReport> {
  // Options first (400, located), then the edit (422), then each record on its own.
  const now = parseNow(body.now, deps.now)
  const profile = body.profile ?? deps.profile
  profileOf(running, profile)
  if (body.hook !== undefined) chooseHook(running, { hook: body.hook }, false)
  const edit = body.rule !== undefined || Object.keys(body.parameters ?? {}).length > 0
  const edited = edit ? compileCatalog(editedContent(running.content, body, profile), `what-if:${running.hash}`, new Date(running.loadedAt)) : running
  const opts = { ...(body.hook === undefined ? {} : { hook: body.hook }), now: now.toISOString(), profile }
  const records: WhatIfRecord[] = []
  for (const r of body.records) {
    let n = 0
    const run = async (catalog: Catalog): Promise<Card[]> =>
      (await evaluateBundle(r.input, opts, { catalog, now, newId: () => `what-if-${++n}`, profile })).cards
    try {
      const inForce = await run(running)
      n = 0
      const after = edited === running ? inForce : await run(edited)
      const changed = JSON.stringify(withoutUuids(inForce)) !== JSON.stringify(withoutUuids(after))
      records.push({ name: r.name, inForce, edited: after, changed })
    } catch (err) {
      records.push({ name: r.name, inForce: [], edited: [], changed: false, error: located(err) })
    }
  }
  return { catalog: running.hash, records, counts: countCards(records) }
}
