// POST /evaluate with a captured CDS Hooks request: the hook from the body, the record from its
// prefetch only (the fhirServer is never called), absent keys named in explain, errors located; and
// explain says for every rule that did not fire why not.

import { readFileSync } from 'node:fs'
import t from 'tap'
import type { FhirFetcher } from '../../src/fhir/fetcher.js'
import { FIXTURES, testApp } from '../helper.js'

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const NEVER: FhirFetcher = { async fetch () { throw new Error('the FHIR server must never be called offline') } }
const noUuids = (cards: any[]): unknown => JSON.parse(JSON.stringify(cards, (k, v) => k === 'uuid' ? undefined : v))

await t.test('a captured hook request gives the cards the hook endpoint gives, without calling its server', async (t) => {
  const { app } = await testApp(t, { fetcher: NEVER })
  const live = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: ORDER_SELECT })
  t.equal(live.statusCode, 200)
  const res = await app.inject({ method: 'POST', url: '/evaluate?explain=true', payload: ORDER_SELECT })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.ok(body.cards.length > 0, 'cards fired')
  t.same(noUuids(body.cards), noUuids(live.json().cards), 'the same cards as the live hook call')
  t.match(body.explain, { input: 'hook-request', hook: 'order-select', service: 'facet-pt-order-select', hookInstance: ORDER_SELECT.hookInstance, prefetch: { absent: [], unavailable: [] } })
  t.ok(body.explain.draftOrders >= 1, 'the draft orders come from context.draftOrders')
})

await t.test('absent prefetch keys are named (what the live service would fetch) and their data is unavailable', async (t) => {
  const { app } = await testApp(t, { fetcher: NEVER })
  const { conditions: _c, ...prefetch } = ORDER_SELECT.prefetch
  const res = await app.inject({ method: 'POST', url: '/evaluate?explain=true', payload: { ...ORDER_SELECT, prefetch } })
  t.equal(res.statusCode, 200)
  const explain = res.json().explain
  t.match(explain.prefetch.absent, [{ key: 'conditions', template: /^Condition\?patient=/, required: false, covers: ['Condition'] }])
  const unavailable = explain.variants.filter((v: any) => v.outcome === 'data-unavailable')
  t.ok(unavailable.length > 0, 'rules reading conditions could not run')
  for (const v of unavailable) t.match(v.reason, /^data unavailable: .*Condition/)
})

await t.test('a required prefetch key that is absent, or a malformed one, is a located 400', async (t) => {
  const { app } = await testApp(t, { fetcher: NEVER })
  const { patient: _p, ...withoutPatient } = ORDER_SELECT.prefetch
  const missing = await app.inject({ method: 'POST', url: '/evaluate', payload: { ...ORDER_SELECT, prefetch: withoutPatient } })
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().issue[0].expression[0], 'prefetch.patient')
  t.match(missing.json().issue[0].diagnostics, /never called offline/)
  const bad = await app.inject({ method: 'POST', url: '/evaluate', payload: { ...ORDER_SELECT, prefetch: { ...ORDER_SELECT.prefetch, conditions: 5 } } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().issue[0].expression[0], 'prefetch.conditions')
  const noHook = await app.inject({ method: 'POST', url: '/evaluate', payload: { ...ORDER_SELECT, hook: 'medication-prescribe', hookInstance: '' } })
  t.equal(noHook.statusCode, 400)
  t.same(noHook.json().issue.map((i: any) => i.expression[0]), ['hook', 'hookInstance'])
  const drafts = await app.inject({ method: 'POST', url: '/evaluate', payload: { ...ORDER_SELECT, context: { ...ORDER_SELECT.context, draftOrders: [] } } })
  t.equal(drafts.statusCode, 400)
  t.equal(drafts.json().issue[0].expression[0], 'context.draftOrders')
  const otherHook = await app.inject({ method: 'POST', url: '/evaluate?hook=patient-view', payload: ORDER_SELECT })
  t.equal(otherHook.statusCode, 400)
  t.equal(otherHook.json().issue[0].expression[0], 'hook')
})

await t.test('explain says why every rule that did not fire did not', async (t) => {
  const { app } = await testApp(t, { fetcher: NEVER })
  const explain = (await app.inject({ method: 'POST', url: '/evaluate?explain=true', payload: ORDER_SELECT })).json().explain
  const outcomes = new Set(explain.variants.map((v: any) => v.outcome))
  t.ok(outcomes.has('not-fired') && outcomes.has('not-applicable') && outcomes.has('fired'))
  for (const v of explain.variants) t.type(v.reason, 'string', `${v.key} has a reason`)
  const notFired = explain.variants.find((v: any) => v.outcome === 'not-fired')
  t.match(notFired.reason, /^not fired: condition \/\S+ failed: .+ = .+, needed \S+ .+/, 'the failed condition, its fact value and what it needed')
  const leaf = notFired.conditions.find((c: any) => c.pointer === notFired.failedCondition)
  t.equal(leaf.result, false, 'failedCondition points at a false leaf')
  const otherHook = explain.variants.find((v: any) => v.reason.includes('not order-select'))
  t.match(otherHook, { outcome: 'not-applicable', reason: /answers patient-view, not order-select/, conditions: [] }, 'rules of other hooks are listed too')
})
