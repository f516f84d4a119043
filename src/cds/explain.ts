// Explains a rules run: per rule variant the outcome, each condition leaf (fact, params, path,
// operator, threshold, the fact's value and the result), and the facts that found no data.

import type { CompiledRule } from '../rules/compiled.js'
import type { RunResult, VariantOutcome } from '../rules/run-rules.js'
import type { HookName } from '../rules/types.js'

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
  /** Why it fired or not, in words: the hook/orders it answers, the data it lacked, or the condition that failed. */
  reason: string
  /** Pointer of the condition that decided a not-fired outcome (the first leaf that was false). */
  failedCondition?: string
  /** Fired rules that made this one stand down. */
  suppressedBy?: string[]
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

const show = (v: unknown): string => v === undefined ? 'nothing' : JSON.stringify(v)

function describeLeaf (c: ExplainedCondition): string {
  const name = c.let ?? `${c.fact}${c.params === undefined ? '' : JSON.stringify(c.params)}`
  const at = c.path === undefined ? '' : ` ${c.path}`
  return `${name}${at} = ${show(c.factResult)}, needed ${c.operator} ${show(c.value)}`
}

function reasonOf (o: VariantOutcome, conditions: ExplainedCondition[]): { reason: string, failedCondition?: string } {
  switch (o.outcome) {
    case 'fired': return { reason: 'fired: every condition held' }
    case 'suppressed': return { reason: `fired, but stands down for ${(o.suppressedBy ?? []).join(', ')}` }
    case 'data-unavailable':
      return { reason: `data unavailable: ${(o.missingTypes ?? []).join(', ')} could not be had (prefetch absent or failed), so the rule was not run` }
    case 'not-applicable':
      if (o.variant.hooks !== undefined) return { reason: `not applicable: this variant answers ${o.variant.hooks.join(', ')} only` }
      return { reason: `not applicable: the rule applies to orders of kind ${(o.rule.rule.orders ?? []).join(', ')}, and no draft order is one` }
    case 'not-fired': {
      const failed = conditions.find((c) => c.result === false && 'factResult' in c) ?? conditions.find((c) => c.result === false)
      if (failed === undefined) return { reason: 'not fired: the conditions did not hold' }
      return { reason: `not fired: condition ${failed.pointer} failed: ${describeLeaf(failed)}`, failedCondition: failed.pointer }
    }
  }
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
    ...reasonOf(o, conditions),
    ...(o.suppressedBy === undefined ? {} : { suppressedBy: o.suppressedBy }),
    conditions
  }
}

/** Rules the run never looked at: switched off, or answering other hooks (listed as not-applicable). */
function notOnHook (rules: readonly CompiledRule[], hook: HookName, seen: ReadonlySet<string>): ExplainedVariant[] {
  return rules.filter((r) => !seen.has(r.rule.id)).flatMap((r) => r.variants.map((v) => ({
    key: v.key,
    rule: r.rule.id,
    ...(v.variantId === undefined ? {} : { variant: v.variantId }),
    version: r.rule.version,
    title: r.rule.title,
    outcome: 'not-applicable' as const,
    reason: r.rule.enabled === false
      ? 'not applicable: the rule is switched off (enabled: false)'
      : `not applicable: the rule answers ${r.rule.hooks.join(', ')}, not ${hook}`,
    conditions: []
  })))
}

/** With `scope`, rules of the profile that were not run (other hooks, switched off) are listed too. */
export function explainRun (run: RunResult, scope?: { rules: readonly CompiledRule[], hook: HookName }): Explanation {
  const variants = run.outcomes.map(explainVariant)
  if (scope !== undefined) variants.push(...notOnHook(scope.rules, scope.hook, new Set(variants.map((v) => v.rule))))
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
