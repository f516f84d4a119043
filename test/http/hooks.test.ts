import { readFileSync } from 'node:fs'
import t from 'tap'
import { FIXTURES, testApp } from '../helper.js'

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const PATIENT_VIEW = JSON.parse(readFileSync(`${FIXTURES}requests/patient-view-rfa-30-days-no-pt.json`, 'utf8')) as Record<string, any>

/** No member anywhere is null, "", [] or {} (CDS Hooks: omit optional members). */
function emptyMembers (value: unknown, path = ''): string[] {
  if (value === null || value === '') return [path]
  if (Array.isArray(value)) return value.length === 0 ? [path] : value.flatMap((v, i) => emptyMembers(v, `${path}[${i}]`))
  if (typeof value === 'object') {
    const entries = Object.entries(value)
    return entries.length === 0 ? [path] : entries.flatMap(([k, v]) => emptyMembers(v, `${path}.${k}`))
  }
  return []
}

await t.test('order-select with a full prefetch answers spec-shaped cards', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: ORDER_SELECT })
  t.equal(res.statusCode, 200)
  const { cards } = res.json() as { cards: Array<Record<string, any>> }
  t.ok(cards.length > 0, 'cards were returned')
  const rules = cards.map((c) => c.source.topic?.code)
  t.ok(rules.includes('SAFE-01'), 'apixaban is flagged')
  t.notOk(rules.includes('SUIT-01'), 'a pain score 3 days ago is a baseline')
  t.notOk(rules.includes('DATA-UNAVAILABLE'), 'all data was supplied')
  for (const card of cards) {
    t.match(card.uuid, /^[0-9a-f-]{36}$/, 'card has a uuid')
    t.ok(card.summary.length < 140, 'summary under 140 characters')
    t.equal(card.source.topic.system, 'urn:facet-pt-cds:rule')
    t.equal(card.extension['org.facet-pt-cds'].rule, card.source.topic.code, 'source.topic is the rule id')
    t.ok(card.detail.includes(card.extension['org.facet-pt-cds'].why), 'the why appears in the detail')
    for (const s of card.suggestions ?? []) t.type(s.uuid, 'string', 'suggestion has a uuid')
    if (card.suggestions !== undefined) t.ok(['at-most-one', 'any'].includes(card.selectionBehavior), 'selectionBehavior with suggestions')
    t.same(emptyMembers(card), [], 'no null or empty members')
  }
  const order = ['critical', 'warning', 'info']
  const ranks = cards.map((c) => order.indexOf(c.indicator))
  t.same(ranks, [...ranks].sort((a, b) => a - b), 'critical, warning, info order')
  const again = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: ORDER_SELECT })
  t.same((again.json() as { cards: Array<Record<string, any>> }).cards.map((c) => c.extension), cards.map((c) => c.extension), 'deterministic')
})

await t.test('tolerant of what real EHRs send', async (t) => {
  const { app } = await testApp(t)
  const body = structuredClone(ORDER_SELECT)
  body.context.patientId = `Patient/${String(body.context.patientId)}`
  delete body.context.draftOrders.type
  body.extension = { 'com.example.tracking': { id: 1 } }
  body.unknownMember = true
  const res = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', headers: { 'content-type': 'application/fhir+json' }, payload: JSON.stringify(body) })
  t.equal(res.statusCode, 200)
  t.ok((res.json() as { cards: unknown[] }).cards.length > 0, 'same advice')
})

await t.test('prefetch states', async (t) => {
  const { app } = await testApp(t)
  const post = async (mutate: (b: Record<string, any>) => void, url = '/cds-services/facet-pt-order-select', base = ORDER_SELECT) => {
    const body = structuredClone(base)
    mutate(body)
    return await app.inject({ method: 'POST', url, payload: body })
  }
  const absent = await post((b) => { delete b.prefetch.patient; delete b.fhirServer })
  t.equal(absent.statusCode, 412, 'required key absent and no fhirServer → 412')
  t.same(absent.json().issue[0].expression, ['prefetch.patient'])
  t.equal(absent.json().resourceType, 'OperationOutcome')

  const noPrefetch = await post((b) => { delete b.prefetch; delete b.fhirServer })
  t.equal(noPrefetch.statusCode, 412, 'no prefetch at all → 412')

  const nulls = await post((b) => { b.prefetch.procedures = null; b.prefetch.medications = null })
  t.equal(nulls.statusCode, 200, 'null = queried, nothing found')
  t.notOk(nulls.json().cards.some((c: any) => c.source.topic?.code === 'DATA-UNAVAILABLE'), 'null is not "unavailable"')

  const outcome = await post((b) => { b.prefetch.observations = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'timeout' }] } })
  t.equal(outcome.statusCode, 200)
  const codes = outcome.json().cards.map((c: any) => c.source.topic?.code)
  t.ok(codes.includes('DATA-UNAVAILABLE'), 'an EHR error is said, not hidden')
  t.notOk(codes.includes('SUIT-01'), 'no confident "no pain score" card when observations were unavailable')

  const optionalAbsent = await post((b) => { delete b.prefetch.observations; delete b.fhirServer })
  t.equal(optionalAbsent.statusCode, 200, 'an optional key absent → still answers')
  t.ok(optionalAbsent.json().cards.some((c: any) => c.source.topic?.code === 'DATA-UNAVAILABLE'))

  const single = await post((b) => { b.prefetch.medications = b.prefetch.medications.entry[1].resource })
  t.equal(single.statusCode, 200, 'a bare resource as a prefetch value')

  const other = await post((b) => { b.prefetch.medications.entry[1].resource.subject = { reference: 'Patient/someone-else' } })
  t.notOk(other.json().cards.some((c: any) => c.source.topic?.code === 'SAFE-01'), "another patient's anticoagulant is ignored")

  const pv = await post(() => {}, '/cds-services/facet-pt-patient-view', PATIENT_VIEW)
  t.equal(pv.statusCode, 200)
  t.ok(pv.json().cards.some((c: any) => c.source.topic?.code === 'PT-02'), 'patient-view: RFA 30 days ago with no PT → PT-02')
})
