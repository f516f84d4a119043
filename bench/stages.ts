// Where the time of one hook call goes, stage by stage, in-process (no HTTP): JSON parse, body
// limits, context + prefetch, record indexing, rules, cards — for the 30 KB and ~360 KB bodies.
// Run: npx tsx bench/stages.ts

import { fileURLToPath } from 'node:url'
import { cardsFor } from '../src/cds/cards.js'
import { readContext } from '../src/cds/context.js'
import { checkRequestLimits } from '../src/cds/limits.js'
import { resolvePrefetch } from '../src/cds/prefetch.js'
import type { HookRequest } from '../src/cds/types.js'
import { evaluationTime } from '../src/fhir/dates.js'
import { EvaluationRecord } from '../src/fhir/record.js'
import { loadCatalog } from '../src/rules/catalog.js'
import { runRules } from '../src/rules/run-rules.js'
import { orderSelect300k, orderSelect30k } from './bodies.js'

const catalog = loadCatalog(fileURLToPath(new URL('../rules/', import.meta.url)), new Date())
const profile = catalog.profiles.get(catalog.defaultProfile)
const service = catalog.services.get('facet-pt-order-select')
if (profile === undefined || service === undefined) throw new Error('catalog without the default profile or order-select service')
const now = evaluationTime(new Date('2026-11-29T10:00:00Z'))

async function stages (label: string, text: string, n: number): Promise<void> {
  const t = { parse: 0, limits: 0, prefetch: 0, record: 0, rules: 0, cards: 0 }
  for (let i = 0; i < n + 100; i++) {
    const keep = i >= 100 // the first 100 calls warm up
    let a = performance.now()
    const body = JSON.parse(text) as HookRequest
    let b = performance.now(); if (keep) t.parse += b - a; a = b
    checkRequestLimits(body)
    b = performance.now(); if (keep) t.limits += b - a; a = b
    const ctx = readContext('order-select', body.context)
    const pf = await resolvePrefetch(service as NonNullable<typeof service>, body, ctx.patientId, undefined)
    b = performance.now(); if (keep) t.prefetch += b - a; a = b
    const record = new EvaluationRecord({
      patientId: ctx.patientId,
      resources: pf.resources,
      draftOrders: ctx.draftOrders,
      selections: ctx.selections,
      unavailableTypes: pf.unavailableTypes,
      time: now
    })
    b = performance.now(); if (keep) t.record += b - a; a = b
    const run = await runRules(catalog, profile as NonNullable<typeof profile>, record, 'order-select')
    b = performance.now(); if (keep) t.rules += b - a; a = b
    let k = 0
    cardsFor(run, ctx.patientId, () => `id-${++k}`)
    b = performance.now(); if (keep) t.cards += b - a
  }
  const ms = (v: number): string => (v / n).toFixed(3)
  console.log(`${label.padEnd(22)} ${Object.entries(t).map(([k, v]) => `${k} ${ms(v)}`).join(' · ')} ms (mean of ${n})`)
}

await stages('order-select ~30 KB', orderSelect30k(), 1500)
await stages('order-select ~360 KB', orderSelect300k(), 300)
