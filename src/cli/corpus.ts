// `corpus <dir>`: evaluates every bundle of a folder and counts the cards of each rule, so an
// author can compare a catalog change before/after. A bad file is counted and listed, never fatal.

import { readBundle } from '../cds/bundle-input.js'
import { type BundleOptions, evaluateBundle } from '../cds/evaluate-bundle.js'
import { DomainError } from '../errors.js'
import type { Catalog } from '../rules/compiled.js'
import { corpusItems } from './corpus-input.js'
import { errorText, table } from './format.js'
import { progressBar } from './progress.js'

export interface CorpusReport {
  dir: string
  bundles: number
  evaluated: number
  rejected: Array<{ file: string, message: string }>
  errors: Array<{ file: string, message: string }>
  cards: Record<string, number>
  /** Bundles with at least one card of the rule. */
  patients: Record<string, number>
  durationMs: number
}

/** A hypothetical draft order for the bundle's patient (see the effect of order rules on a corpus). */
export function withDraftOrder (bundle: unknown, cpt: string): unknown {
  const { patientId } = readBundle(bundle)
  const b = bundle as { entry?: unknown[] }
  return {
    ...b,
    entry: [...(b.entry ?? []), {
      resource: {
        resourceType: 'ServiceRequest',
        id: 'corpus-draft-order',
        status: 'draft',
        intent: 'order',
        code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: cpt }] },
        subject: { reference: `Patient/${patientId}` }
      }
    }]
  }
}

export async function runCorpus (
  dir: string,
  opts: BundleOptions & { order?: string },
  deps: { catalog: Catalog, now: Date, profile: string }
): Promise<CorpusReport> {
  const started = performance.now()
  const { items, errors: readErrors } = corpusItems(dir)
  const report: CorpusReport = {
    dir,
    bundles: items.length,
    evaluated: 0,
    rejected: [],
    errors: readErrors.map((e) => ({ file: e.label, message: e.message })),
    cards: {},
    patients: {},
    durationMs: 0
  }
  const progress = progressBar(items.length)
  let n = 0
  for (const item of items) {
    progress.tick(item.label)
    try {
      let body = item.load()
      if (opts.order !== undefined) body = withDraftOrder(body, opts.order)
      const { cards } = await evaluateBundle(body, { ...opts, explain: false }, { ...deps, newId: () => `corpus-${++n}` })
      report.evaluated++
      const seen = new Set<string>()
      for (const c of cards) {
        const x = c.extension['org.facet-pt-cds']
        const key = x.variant === undefined ? x.rule : `${x.rule}/${x.variant}`
        report.cards[key] = (report.cards[key] ?? 0) + 1
        if (!seen.has(key)) report.patients[key] = (report.patients[key] ?? 0) + 1
        seen.add(key)
      }
    } catch (err) {
      const message = errorText(err).trim().replace(/\n\s*/g, '; ')
      if (err instanceof DomainError) report.rejected.push({ file: item.label, message })
      else if (err instanceof SyntaxError) report.rejected.push({ file: item.label, message: `not valid JSON: ${err.message}` })
      else report.errors.push({ file: item.label, message })
    }
  }
  progress.done()
  report.durationMs = Math.round(performance.now() - started)
  return report
}

export function corpusText (r: CorpusReport): string {
  const keys = Object.keys(r.cards).sort()
  const out = [`${r.bundles} bundle(s) in ${r.dir}: ${r.evaluated} evaluated, ${r.rejected.length} rejected (not a single-patient record), ${r.errors.length} error(s) — ${r.durationMs} ms`, '']
  out.push(keys.length === 0 ? 'no cards\n' : table([...keys.map((k) => [k, String(r.cards[k]), String(r.patients[k])]), ['total', String(Object.values(r.cards).reduce((a, b) => a + b, 0)), '']], ['RULE', 'CARDS', 'BUNDLES']))
  if (r.rejected.length > 0) {
    // Grouped by reason (the first clause of the message); --json lists every file.
    const reasons = new Map<string, string[]>()
    for (const x of r.rejected) {
      const reason = (x.message.split(';')[0] ?? x.message).replace(/^([^:]*):.*$/, '$1').replace(/\d+ (Patients|entries)/g, 'N $1')
      reasons.set(reason, [...(reasons.get(reason) ?? []), x.file])
    }
    out.push('rejected (not a single-patient Bundle):')
    for (const [reason, files] of reasons) out.push(`  ${String(files.length).padStart(4)} × ${reason}: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}`)
    out.push('')
  }
  if (r.errors.length > 0) out.push('errors:', ...r.errors.map((x) => `  ${x.file}: ${x.message}`), '')
  return out.join('\n')
}
