// Explains a rules run: per rule variant the outcome, each condition leaf (fact, params, path,
// operator, threshold, the fact's value and the result), and the facts that found no data.

import type { RunResult, VariantOutcome } from '../rules/run-rules.js'

export interface ExplainedCondition {
  /** JSON pointer of the leaf inside the variant's condition tree, e.g. `/all/1/any/0`. */
  pointer: string
  /** The rule's `let` name when the leaf tests a let binding (`fact` and `params` are its call). */
  let?: string
  fact: string
  params?: Record<string, unknown>
  path?: string
  operator: string
  /** The threshold the fact value is compared with (parameters resolved). */
  value: unknown
  /** The fact value at `path` (the whole value when there is no path). Absent when the path selects nothing
   *  or the leaf was not evaluated. */
  factResult?: unknown
  /** The leaf's result (json-rules-engine reports false for leaves it skipped). */
  result?: boolean
  /** The whole fact value (e.g. `{found, value, date, daysAgo}`) when `path` selected a member. */
  factValue?: unknown
}

export interface ExplainedVariant {
  key: string
  rule: string
  variant?: string
  version: string
  title: string
  outcome: VariantOutcome['outcome']
  /** The order session it was evaluated for (order hooks). */
  order?: {
    date: string
    region: string
    type: string
    levels: number
    codes: string[]
    side: string
    intentBasis: string
    intentReason: string
  }
  missingTypes?: string[]
  conditions: ExplainedCondition[]
}

export interface NoDataFact { fact: string, params?: Record<string, unknown>, rules: string[] }

export interface Explanation { variants: ExplainedVariant[], factsWithoutData: NoDataFact[] }

type Node = Record<string, unknown>

/**
 * Walks the variant's compiled conditions (fact names, params, thresholds) and overlays the
 * engine's result tree, which has the same shape (leaves named by call id) — or only its first
 * condition when the rest was never evaluated.
 */
function walk (node: unknown, result: unknown, pointer: string, out: ExplainedCondition[]): void {
  if (node === null || typeof node !== 'object') return
  const n = node as Node
  const r = (result !== null && typeof result === 'object' ? result : {}) as Node
  for (const op of ['all', 'any'] as const) {
    if (Array.isArray(n[op])) {
      const rs = Array.isArray(r[op]) ? r[op] as unknown[] : []
      ;(n[op] as unknown[]).forEach((c, i) => { walk(c, rs[i], `${pointer}/${op}/${i}`, out) })
      return
    }
  }
  if (n.not !== undefined) { walk(n.not, r.not, `${pointer}/not`, out); return }
  if (typeof n.fact !== 'string') return
  const leaf: ExplainedCondition = { pointer: pointer === '' ? '/' : pointer, ...(typeof n.let === 'string' ? { let: n.let } : {}), fact: n.fact, operator: String(n.operator), value: n.value }
  if (n.params !== undefined && n.params !== null && typeof n.params === 'object' && Object.keys(n.params).length > 0) leaf.params = n.params as Record<string, unknown>
  if (typeof n.path === 'string') leaf.path = n.path
  if ('factResult' in r) leaf.factResult = r.factResult
  if (typeof r.result === 'boolean') leaf.result = r.result
  out.push(leaf)
}

function explainVariant (o: VariantOutcome): ExplainedVariant {
  const conditions: ExplainedCondition[] = []
  // Not-run variants (not-applicable, data-unavailable) show their compiled conditions without values.
  walk(o.variant.conditions, o.conditions, '', conditions)
  if (o.outcome === 'fired' || o.outcome === 'not-fired') {
    for (const c of conditions) {
      const call = o.variant.factCalls.get(c.fact)
      // Values are cached per (fact, params) for the call: reading them again costs nothing.
      if (c.path !== undefined && 'factResult' in c && call !== undefined && JSON.stringify(call.params ?? {}) === JSON.stringify(c.params ?? {})) c.factValue = o.value(c.fact)
    }
  }
  return {
    key: o.key,
    rule: o.rule.rule.id,
    ...(o.variant.variantId === undefined ? {} : { variant: o.variant.variantId }),
    version: o.rule.rule.version,
    title: o.rule.rule.title,
    outcome: o.outcome,
    ...(o.order === undefined
      ? {}
      : {
          order: {
            date: o.order.date,
            region: o.order.region,
            type: o.order.type,
            levels: o.order.levels,
            codes: o.order.codes,
            side: o.order.side,
            intentBasis: o.order.intentBasis,
            intentReason: o.order.intentReason
          }
        }),
    ...(o.missingTypes === undefined ? {} : { missingTypes: o.missingTypes }),
    conditions
  }
}

export function explainRun (run: RunResult): Explanation {
  const variants = run.outcomes.map(explainVariant)
  const noData = new Map<string, NoDataFact>()
  for (const v of variants) {
    for (const c of v.conditions) {
      const whole = c.factValue ?? c.factResult
      const notFound = (whole !== null && typeof whole === 'object' && (whole as { found?: unknown }).found === false) ||
        (c.path !== undefined && /\.found$/.test(c.path) && c.factResult === false)
      if (!notFound) continue
      const key = `${c.fact}|${JSON.stringify(c.params ?? {})}`
      let entry = noData.get(key)
      if (entry === undefined) {
        entry = { fact: c.fact, ...(c.params === undefined ? {} : { params: c.params }), rules: [] }
        noData.set(key, entry)
      }
      if (!entry.rules.includes(v.key)) entry.rules.push(v.key)
    }
  }
  return { variants, factsWithoutData: [...noData.values()] }
}
