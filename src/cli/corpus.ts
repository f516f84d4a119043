// `corpus <dir>`: evaluates every bundle of a folder, and replays every captured CDS Hooks request
// (a file holding one, or a JSON array of them) as `replay` does, and counts the cards of each
// rule, so an author can compare a catalog change before/after. A bad file is counted and listed, never fatal.

import { readBundle } from '../cds/bundle-input.js'
import { type BundleOptions, evaluateBundle } from '../cds/evaluate-bundle.js'
import { isHookRequest } from '../cds/hook-request-input.js'
import { replayHook } from '../cds/replay-hook.js'
import type { Card } from '../cds/types.js'
import { DomainError } from '../errors.js'
import type { Catalog } from '../rules/compiled.js'
import { corpusItems } from './corpus-input.js'
import { errorText, table } from './format.js'
import { progressBar } from './progress.js'

export interface CorpusReport {
  dir: string
  /** Files read as Bundles (and NDJSON patients). */
  bundles: number
  evaluated: number
  /** Captured CDS Hooks requests found (an array file counts each of its requests). */
  requests: number
  replayed: number
  /** Replayed requests that lacked prefetch keys the live service would have fetched. */
  incomplete: Array<{ file: string, absentKeys: string[] }>
  rejected: Array<{ file: string, message: string, kind: 'bundle' | 'request' }>
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
    bundles: 0,
    evaluated: 0,
    requests: 0,
    replayed: 0,
    incomplete: [],
    rejected: [],
    errors: readErrors.map((e) => ({ file: e.label, message: e.message })),
    cards: {},
    patients: {},
    durationMs: 0
  }
  const progress = progressBar(items.length)
  let n = 0
  const newId = (): string => `corpus-${++n}`
  const count = (cards: Card[]): void => {
    const seen = new Set<string>()
    for (const c of cards) {
      const x = c.extension['org.facet-pt-cds']
      const key = x.variant === undefined ? x.rule : `${x.rule}/${x.variant}`
      report.cards[key] = (report.cards[key] ?? 0) + 1
      if (!seen.has(key)) report.patients[key] = (report.patients[key] ?? 0) + 1
      seen.add(key)
    }
  }
  const failed = (file: string, kind: 'bundle' | 'request', err: unknown): void => {
    const message = errorText(err).trim().replace(/\n\s*/g, '; ')
    if (err instanceof DomainError) report.rejected.push({ file, message, kind })
    else if (err instanceof SyntaxError) report.rejected.push({ file, message: `not valid JSON: ${err.message}`, kind })
    else report.errors.push({ file, message })
  }
  for (const item of items) {
    progress.tick(item.label)
    let body: unknown
    try { body = item.load() } catch (err) { report.bundles++; failed(item.label, 'bundle', err); continue }
    const requests = Array.isArray(body) && body.length > 0 && body.every(isHookRequest)
      ? body.map((r, i) => [`${item.label}[${i}]`, r] as const)
      : isHookRequest(body) ? [[item.label, body] as const] : []
    for (const [file, request] of requests) {
      // Replayed as captured: --hook, --service and --order are for bundles.
      report.requests++
      try {
        const r = await replayHook(request, {}, { ...deps, newId })
        report.replayed++
        if (r.absentKeys.length > 0) report.incomplete.push({ file, absentKeys: r.absentKeys })
        count(r.response.cards)
      } catch (err) { failed(file, 'request', err) }
    }
    if (requests.length > 0) continue
    report.bundles++
    try {
      const bundle = opts.order === undefined ? body : withDraftOrder(body, opts.order)
      const { cards } = await evaluateBundle(bundle, { ...opts, explain: false }, { ...deps, newId })
      report.evaluated++
      count(cards)
    } catch (err) { failed(item.label, 'bundle', err) }
  }
  progress.done()
  report.durationMs = Math.round(performance.now() - started)
  return report
}

export function corpusText (r: CorpusReport): string {
  const keys = Object.keys(r.cards).sort()
  const rejectedBundles = r.rejected.filter((x) => x.kind === 'bundle')
  const rejectedRequests = r.rejected.filter((x) => x.kind === 'request')
  const requests = r.requests === 0 ? '' : `; ${r.requests} hook request(s): ${r.replayed} replayed, ${rejectedRequests.length} rejected`
  const out = [`${r.bundles} bundle(s) in ${r.dir}: ${r.evaluated} evaluated, ${rejectedBundles.length} rejected (not a single-patient record)` +
    `${requests}, ${r.errors.length} error(s) — ${r.durationMs} ms`, '']
  out.push(keys.length === 0 ? 'no cards\n' : table([...keys.map((k) => [k, String(r.cards[k]), String(r.patients[k])]), ['total', String(Object.values(r.cards).reduce((a, b) => a + b, 0)), '']], ['RULE', 'CARDS', 'BUNDLES']))
  if (rejectedBundles.length > 0) {
    // Grouped by reason (the first clause of the message); --json lists every file.
    const reasons = new Map<string, string[]>()
    for (const x of rejectedBundles) {
      const reason = (x.message.split(';')[0] ?? x.message).replace(/^([^:]*):.*$/, '$1').replace(/\d+ (Patients|entries)/g, 'N $1')
      reasons.set(reason, [...(reasons.get(reason) ?? []), x.file])
    }
    out.push('rejected (not a single-patient Bundle):')
    for (const [reason, files] of reasons) out.push(`  ${String(files.length).padStart(4)} × ${reason}: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}`)
    out.push('')
  }
  if (rejectedRequests.length > 0) out.push('rejected hook requests:', ...rejectedRequests.map((x) => `  ${x.file}: ${x.message}`), '')
  if (r.incomplete.length > 0) {
    out.push('hook requests replayed without prefetch the live service would have fetched (data unavailable):',
      ...r.incomplete.map((x) => `  ${x.file}: ${x.absentKeys.join(', ')}`), '')
  }
  if (r.errors.length > 0) out.push('errors:', ...r.errors.map((x) => `  ${x.file}: ${x.message}`), '')
  return out.join('\n')
}
