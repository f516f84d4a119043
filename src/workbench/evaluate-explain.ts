// The explain trace beside the cards: per rule variant its outcome and each condition (fact, params, path,
// operator, the fact's value vs the threshold, pass/fail); why rules did not fire; the parameters in force.
import { h } from './dom.js'

export interface ExplainedCondition {
  pointer: string
  let?: string
  fact: string
  params?: Record<string, unknown>
  path?: string
  operator: string
  value: unknown
  factResult?: unknown
  result?: boolean
  factValue?: unknown
}
export interface ExplainedVariant {
  key: string
  rule: string
  variant?: string
  version: string
  title: string
  outcome: 'fired' | 'not-fired' | 'not-applicable' | 'data-unavailable' | 'suppressed'
  missingTypes?: string[]
  conditions: ExplainedCondition[]
}
export interface Explanation {
  hook: string
  service: string
  profile: string
  now: string
  catalog?: string
  variants: ExplainedVariant[]
  factsWithoutData?: Array<{ fact: string, params?: Record<string, unknown>, rules: string[] }>
}

export interface RuleParameter { value: unknown, unit?: string, title?: string, default?: unknown }
export interface CatalogRule {
  id: string
  version: string
  title: string
  source?: { label?: string, url?: string, evidence?: string, citation?: string }
  parameters?: Record<string, RuleParameter>
}

const OPERATORS: Record<string, string> = {
  equal: '=',
  notEqual: '≠',
  lessThan: '<',
  lessThanInclusive: '≤',
  greaterThan: '>',
  greaterThanInclusive: '≥',
  in: 'in',
  notIn: 'not in',
  contains: 'contains',
  doesNotContain: 'does not contain'
}

export function show (v: unknown): string {
  if (v === undefined) return '—'
  if (typeof v === 'string') return JSON.stringify(v)
  return JSON.stringify(v) ?? String(v)
}

function factCall (c: ExplainedCondition): string {
  const params = c.params === undefined ? '' : `(${Object.entries(c.params).map(([k, v]) => `${k}: ${show(v)}`).join(', ')})`
  return `${c.fact}${params}`
}

function resultCell (c: ExplainedCondition): HTMLElement {
  if (c.result === undefined) return h('td', { class: 'muted' }, 'not evaluated')
  return h('td', { class: c.result ? 'pass' : 'fail' }, c.result ? '✓ true' : '✗ false')
}

/** The conditions of one variant as a table: fact, path, operator, fact value vs threshold, result. */
export function conditionsTable (v: ExplainedVariant): HTMLElement {
  return h('table', { class: 'conditions' },
    h('caption', { class: 'sr-only' }, `Conditions of ${v.key}`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Fact'), h('th', { scope: 'col' }, 'Path'), h('th', { scope: 'col' }, 'Fact value'),
      h('th', { scope: 'col' }, 'Operator'), h('th', { scope: 'col' }, 'Threshold'), h('th', { scope: 'col' }, 'Result'))),
    h('tbody', {}, ...v.conditions.map((c) => h('tr', { 'data-pointer': c.pointer },
      h('td', {}, h('code', {}, factCall(c)), c.let === undefined ? null : h('span', { class: 'muted small' }, ` (let ${c.let})`),
        h('div', { class: 'muted small', title: 'Where the condition sits in the rule (all / any / not)' }, c.pointer)),
      h('td', {}, h('code', {}, c.path ?? '')),
      h('td', {}, h('code', { title: c.factValue === undefined ? undefined : show(c.factValue) }, show(c.factResult))),
      h('td', {}, OPERATORS[c.operator] ?? c.operator),
      h('td', {}, h('code', {}, show(c.value))),
      resultCell(c)))))
}

/** "Why it fired" panel for the variant that made a card. */
export function whyFired (v: ExplainedVariant | undefined, key: string): HTMLElement {
  if (v === undefined) return h('aside', { class: 'why' }, h('p', { class: 'muted' }, `No explain trace for ${key}.`))
  return h('aside', { class: 'why', 'aria-label': `Why ${v.key} fired` },
    h('h4', {}, `Why it fired — ${v.key} v${v.version}`),
    h('p', { class: 'muted small' }, v.title),
    conditionsTable(v))
}

/** One line saying why a variant did not fire. */
export function whyNot (v: ExplainedVariant): string {
  switch (v.outcome) {
    case 'not-applicable': return 'Not applicable: the rule does not apply to this hook or order.'
    case 'data-unavailable': return `Data unavailable: no ${(v.missingTypes ?? []).join(', ')} in the record or prefetch.`
    case 'suppressed': return 'Suppressed by a higher-priority card of the same rule.'
    case 'fired': return 'Fired.'
    case 'not-fired': {
      const failed = v.conditions.find((c) => c.result === false)
      if (failed === undefined) return 'Failed condition: the conditions did not hold.'
      const op = OPERATORS[failed.operator] ?? failed.operator
      return `Failed condition: ${factCall(failed)}${failed.path === undefined ? '' : ` ${failed.path}`} ` +
        `is ${show(failed.factResult)}, needs ${op} ${show(failed.value)}.`
    }
  }
}

/** Every variant that did not fire, each expandable to its conditions. */
export function notFiredList (variants: readonly ExplainedVariant[]): HTMLElement {
  const rest = variants.filter((v) => v.outcome !== 'fired')
  if (rest.length === 0) return h('p', { class: 'muted' }, 'Every rule variant fired.')
  return h('ul', { class: 'not-fired' }, ...rest.map((v) => h('li', { 'data-key': v.key, 'data-outcome': v.outcome },
    h('details', {},
      h('summary', {}, h('span', { class: 'badge rule-badge' }, v.key), ' ', h('span', { class: `outcome outcome-${v.outcome}` }, v.outcome),
        ' ', h('span', { class: 'why-not' }, whyNot(v))),
      h('p', { class: 'muted small' }, `${v.title} (v${v.version})`),
      conditionsTable(v)))))
}

/** The parameters in force for the profile: rule, name, value, unit, source, evidence tag. */
export function parametersTable (rules: readonly CatalogRule[], profile: string): HTMLElement {
  const rows: HTMLElement[] = []
  for (const r of rules) {
    for (const [name, p] of Object.entries(r.parameters ?? {})) {
      const changed = p.default !== undefined && JSON.stringify(p.default) !== JSON.stringify(p.value)
      rows.push(h('tr', {},
        h('td', {}, r.id), h('td', {}, h('code', {}, name), p.title === undefined ? null : h('div', { class: 'muted small' }, p.title)),
        h('td', {}, h('code', {}, show(p.value)), changed ? h('div', { class: 'muted small' }, `default ${show(p.default)}`) : null),
        h('td', {}, p.unit ?? ''),
        h('td', {}, r.source?.url === undefined
          ? (r.source?.label ?? '')
          : h('a', { href: r.source.url, target: '_blank', rel: 'noopener noreferrer' }, r.source.label ?? r.source.url)),
        h('td', {}, r.source?.evidence ?? '')))
    }
  }
  return h('table', { class: 'parameters' },
    h('caption', {}, `Parameters in force (profile ${profile})`),
    h('thead', {}, h('tr', {}, ...['Rule', 'Parameter', 'Value', 'Unit', 'Source', 'Evidence'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...rows))
}
