// "Cancel this facet order" end to end (CLINICAL.md §5 Card text, revision 2): SAFE-02 and SUIT-06
// on order hooks carry one `delete` per draft facet ServiceRequest of the session, on the wire as
// CDS Hooks 2.0 actions (type, description, resourceId); never on patient-view.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { FIXTURES, testApp } from '../helper.js'

const BASE = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const fever = { resourceType: 'Observation', id: 'temp-1', status: 'final', subject: { reference: 'Patient/pat-facet-1' }, code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] }, effectiveDateTime: '2026-11-29T06:00:00Z', valueQuantity: { value: 38.7, system: 'http://unitsofmeasure.org', code: 'Cel' } }
const redFlag = { resourceType: 'Condition', id: 'ce-1', subject: { reference: 'Patient/pat-facet-1' }, clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }, code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'G83.4' }] }, onsetDateTime: '2026-11-27' }

function withRecord (extra: unknown[], hook = 'order-select', selections?: string[]): Record<string, any> {
  const req = structuredClone(BASE)
  req.hook = hook
  if (selections !== undefined) req.context.selections = selections
  if (hook === 'order-sign') delete req.context.selections
  req.prefetch.extra = { resourceType: 'Bundle', type: 'searchset', entry: extra.map((resource) => ({ resource })) }
  return req
}

const cardOf = (cards: Array<Record<string, any>>, rule: string): Record<string, any> | undefined =>
  cards.find((c) => c.extension['org.facet-pt-cds'].rule === rule)

await t.test('SAFE-02 on order-select and order-sign: one delete per draft facet order', async (t) => {
  const { app } = await testApp(t)
  for (const [service, hook] of [['facet-pt-order-select', 'order-select'], ['facet-pt-order-sign', 'order-sign']] as const) {
    const res = await app.inject({ method: 'POST', url: `/cds-services/${service}`, payload: withRecord([fever], hook) })
    t.equal(res.statusCode, 200, hook)
    const card = cardOf(res.json().cards, 'SAFE-02')
    t.equal(card?.indicator, 'critical', `${hook}: SAFE-02 fires`)
    t.equal(card?.selectionBehavior, 'at-most-one')
    t.same(card?.suggestions?.map((s: any) => s.label), ['Cancel this facet order'])
    t.same(card?.suggestions?.[0]?.actions?.map((a: any) => [a.type, a.resourceId, Object.keys(a).sort()]), [
      ['delete', 'ServiceRequest/order-mbb-l4', ['description', 'resourceId', 'type']],
      ['delete', 'ServiceRequest/order-mbb-l5', ['description', 'resourceId', 'type']]
    ], `${hook}: CDS Hooks 2.0 delete actions naming each draft line`)
    t.match(card?.suggestions?.[0]?.actions?.[0]?.description, /^Cancel the unsigned order Facet joint injection \/ MBB, lumbar, single level \(ServiceRequest\/order-mbb-l4\)/)
    t.equal(card?.source?.label, 'Medicare LCD; septic facet arthritis reports')
    t.equal(card?.extension?.['org.facet-pt-cds']?.evidence, 'V', 'the evidence tag travels in the extension')
  }
})

await t.test('order-select: only the orders being selected are cancelled', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: withRecord([fever], 'order-select', ['ServiceRequest/order-mbb-l5']) })
  const card = cardOf(res.json().cards, 'SAFE-02')
  t.same(card?.suggestions?.[0]?.actions?.map((a: any) => a.resourceId), ['ServiceRequest/order-mbb-l5'])
})

await t.test('SUIT-06 critical red flag: cancel suggestion; no card on other rules carries a delete', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: withRecord([redFlag]) })
  const cards = res.json().cards as Array<Record<string, any>>
  const card = cardOf(cards, 'SUIT-06')
  t.equal(card?.indicator, 'critical')
  t.same(card?.suggestions?.[0]?.actions?.map((a: any) => a.resourceId), ['ServiceRequest/order-mbb-l4', 'ServiceRequest/order-mbb-l5'])
  t.equal(card?.suggestions?.[0]?.isRecommended, true)
  const others = cards.filter((c) => !['SUIT-06', 'SAFE-02'].includes(c.extension['org.facet-pt-cds'].rule))
  t.same(others.flatMap((c) => (c.suggestions ?? []).flatMap((s: any) => s.actions ?? [])).filter((a: any) => a.type === 'delete'), [], 'no other rule deletes orders')
})

await t.test('a draft order without an id cannot be named: no cancel suggestion', async (t) => {
  const { app } = await testApp(t)
  const req = withRecord([fever], 'order-sign')
  for (const e of req.context.draftOrders.entry) delete e.resource.id
  const res = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-sign', payload: req })
  const card = cardOf(res.json().cards, 'SAFE-02')
  t.equal(card?.indicator, 'critical', 'the card still fires')
  t.equal(card?.suggestions, undefined, 'but offers no cancel button that would cancel nothing')
  t.equal(card?.selectionBehavior, undefined, 'and no selectionBehavior without suggestions')
})
