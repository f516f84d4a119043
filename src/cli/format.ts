// Text output of the CLI: cards as an aligned table, an explanation as an indented outline, and
// located errors (DomainError issues, catalog problems) as lines a person can act on.

import type { Explanation } from '../cds/explain.js'
import type { Card } from '../cds/types.js'
import { DomainError } from '../errors.js'

export function table (rows: string[][], header: string[]): string {
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]): string => r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n'
}

export function cardsTable (cards: Card[]): string {
  if (cards.length === 0) return 'no cards\n'
  return table(cards.map((c) => {
    const x = c.extension['org.facet-pt-cds']
    return [c.indicator, x.variant === undefined ? x.rule : `${x.rule}/${x.variant}`, c.summary]
  }), ['INDICATOR', 'RULE', 'SUMMARY'])
}

const show = (v: unknown): string => v === undefined ? '—' : JSON.stringify(v)
const MARK: Record<string, string> = { fired: '●', 'not-fired': '○', 'not-applicable': '-', 'data-unavailable': '?' }

export function explanationText (ex: Explanation): string {
  const out: string[] = []
  for (const v of ex.variants) {
    out.push(`${MARK[v.outcome] ?? ' '} ${v.key.padEnd(16)} ${v.outcome.padEnd(16)} ${v.title}${v.order === undefined ? '' : `  [order ${v.order.date} ${v.order.region} ${v.order.type} (intent ${v.order.intentBasis}), side ${v.order.side}]`}`)
    if (v.missingTypes !== undefined) out.push(`    no data could be had for: ${v.missingTypes.join(', ')}`)
    if (v.outcome === 'not-applicable') continue
    for (const c of v.conditions) {
      const params = c.params === undefined ? '' : `(${Object.entries(c.params).map(([k, x]) => `${k}=${JSON.stringify(x)}`).join(', ')})`
      const verdict = c.result === true ? '✓' : '✗'
      out.push(`    ${verdict} ${c.pointer.padEnd(12)} ${c.fact}${params}${c.path === undefined ? '' : ` ${c.path}`} ${c.operator} ${show(c.value)}  ← ${show(c.factResult)}`)
    }
  }
  if (ex.factsWithoutData.length > 0) {
    out.push('', 'facts that found no data:')
    for (const f of ex.factsWithoutData) out.push(`  ${f.fact}${f.params === undefined ? '' : ` ${JSON.stringify(f.params)}`}  (${f.rules.join(', ')})`)
  }
  return out.join('\n') + '\n'
}

/** A located, human message for anything thrown; never a stack trace. */
export function errorText (err: unknown, where = ''): string {
  const prefix = where === '' ? '' : `${where}: `
  if (err instanceof DomainError) {
    return `${prefix}${err.message}\n${err.issues.map((i) => `  at ${i.expression === '' ? '(body)' : i.expression}: ${i.diagnostics}`).join('\n')}\n`
  }
  return `${prefix}${err instanceof Error ? err.message : String(err)}\n`
}
