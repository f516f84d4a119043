// POST /evaluate: plain bundles (transaction with urn:uuid, no fullUrl, contained resources),
// hook choice, explain, and located 400s for every kind of bad input.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { FIXTURES, testApp } from '../helper.js'

const TX = JSON.parse(readFileSync(`${FIXTURES}bundles/transaction-urn-uuid-contained.json`, 'utf8')) as { entry: Array<{ resource: Record<string, unknown>, fullUrl?: string }> }
const rulesOf = (body: { cards: Array<{ extension: { 'org.facet-pt-cds': { rule: string, variant?: string } } }> }): string[] =>
  body.cards.map((c) => { const x = c.extension['org.facet-pt-cds']; return x.variant === undefined ? x.rule : `${x.rule}/${x.variant}` }).sort()

// These minimal records never hold conservative care, so SUIT-04/a fires on every facet order; left out below.
// These tests are about reading bundles; they look at the rules whose input they vary.
const core = (body: Parameters<typeof rulesOf>[0]): string[] => rulesOf(body).filter((r) => r.startsWith('SUIT-01') || r.startsWith('SAFE-01'))
const sr = (subject: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'ServiceRequest',
  id: 'o1',
  status: 'draft',
  intent: 'order',
  subject: { reference: subject },
  code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64493' }] },
  ...extra
})
const painScore = (date: string): Record<string, unknown> => ({
  resourceType: 'Observation',
  id: 'pain1',
  status: 'final',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
  effectiveDateTime: date,
  valueInteger: 7
})
const collection = (...resources: Array<Record<string, unknown>>): Record<string, unknown> =>
  ({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) })
const PATIENT = { resourceType: 'Patient', id: 'p1', birthDate: '1960-01-01' }

await t.test('evaluate', async (t) => {
  const { app } = await testApp(t)
  const post = async (body: unknown, query = ''): Promise<{ status: number, body: any }> => {
    const res = await app.inject({ method: 'POST', url: `/evaluate${query}`, payload: JSON.stringify(body), headers: { 'content-type': 'application/fhir+json' } })
    return { status: res.statusCode, body: res.json() }
  }

  await t.test('transaction bundle: urn:uuid subjects, Patient without id, contained Medication', async (t) => {
    const res = await post(TX)
    t.equal(res.status, 200)
    t.same(rulesOf(res.body), ['SAFE-01/a-high', 'SUIT-01', 'SUIT-02', 'SUIT-04/a'], 'draft order → order-select; apixaban found through #med1 (no intent, no earlier procedure: inferred diagnostic, so no SUIT-10)')
    const withoutContained = structuredClone(TX)
    const mr = withoutContained.entry[2]?.resource as Record<string, unknown>
    delete mr.contained
    t.same(core((await post(withoutContained)).body), ['SUIT-01'], 'without the contained Medication there is no antithrombotic')
    const otherPatient = structuredClone(TX)
    ;(otherPatient.entry[1]?.resource as Record<string, unknown>).subject = { reference: 'urn:uuid:00000000-0000-4000-8000-00000000dead' }
    t.same(core((await post(otherPatient)).body), [], "an order for someone else is not this patient's order")
  })

  await t.test('bundle without fullUrl, hook and now parameters', async (t) => {
    const body = collection(PATIENT, sr('Patient/p1'), painScore('2026-11-20'))
    t.same(core((await post(body)).body), [], 'pain score 9 days ago is a baseline')
    t.same(core((await post(body, '?now=2027-02-01T09:00:00Z')).body), ['SUIT-01'], 'evaluated later: the score is too old')
    t.same(core((await post(body, '?hook=patient-view&now=2027-02-01')).body), [], 'patient-view runs no order rules')
    t.same(core((await post(body, '?service=facet-pt-order-sign&now=2027-02-01')).body), ['SUIT-01'], 'service picks the hook')
    const searchset = { ...collection(PATIENT, sr('Patient/p1')), type: 'searchset' }
    t.same(core((await post(searchset)).body), ['SUIT-01'])
  })

  await t.test('explain lists every variant, each condition leaf and the facts without data', async (t) => {
    const res = await post(TX, '?explain=true&profile=consensus_2020')
    t.equal(res.status, 200)
    const ex = res.body.explain
    t.equal(ex.hook, 'order-select')
    t.equal(ex.profile, 'consensus_2020')
    t.equal(ex.draftOrders, 1)
    const outcomes = new Map(ex.variants.map((v: any) => [v.key, v]))
    const high: any = outcomes.get('SAFE-01/a-high')
    t.equal(high.outcome, 'fired')
    t.match(high.conditions[0], { pointer: '/all/0', fact: 'antithrombotics', path: '$.found', operator: 'equal', value: true, factResult: true, result: true })
    t.equal(high.order.region, 'cervical-thoracic')
    t.equal((outcomes.get('SUIT-01') as any).outcome, 'fired')
    t.ok(ex.variants.every((v: any) => ['fired', 'not-fired', 'not-applicable', 'data-unavailable'].includes(v.outcome)))
    t.ok(ex.variants.some((v: any) => v.outcome === 'not-fired'))
    t.ok(ex.factsWithoutData.some((f: any) => f.fact === 'latestPainScore' && f.rules.includes('SUIT-01')), 'no pain score on file')
    t.notOk('explain' in (await post(TX)).body, 'no explain unless asked')
  })

  await t.test('one Patient exactly', async (t) => {
    const two = await post(collection(PATIENT, sr('Patient/p1'), { resourceType: 'Patient', id: 'p2' }))
    t.equal(two.status, 400)
    t.equal(two.body.resourceType, 'OperationOutcome')
    t.same(two.body.issue.map((i: any) => i.expression[0]), ['Bundle.entry[0].resource', 'Bundle.entry[2].resource'])
    t.match(two.body.issue[0].diagnostics, /exactly one Patient; found 2/)
    const none = await post(collection(sr('Patient/p1')))
    t.equal(none.status, 400)
    t.match(none.body.issue[0], { expression: ['Bundle.entry'], diagnostics: /holds none/ })
  })

  await t.test('bad bodies and parameters are located 400s', async (t) => {
    const cases: Array<[unknown, string, string, RegExp]> = [
      [PATIENT, '', 'resourceType', /must be "Bundle"/],
      [[1, 2], '', 'Bundle', /JSON object/],
      [{ resourceType: 'Bundle', type: 'history' }, '', 'Bundle.type', /collection, transaction/],
      [{ resourceType: 'Bundle', type: 'collection', entry: {} }, '', 'Bundle.entry', /array/],
      [{ resourceType: 'Bundle', type: 'collection', entry: [{ resource: PATIENT }, { resource: { id: 'x' } }] }, '', 'Bundle.entry[1].resource', /resourceType/],
      [{ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { ...PATIENT, id: 'bad id!' } }] }, '', 'Bundle.entry[0].resource.id', /Patient.id/],
      [TX, '?now=yesterday', 'now', /ISO 8601/],
      [TX, '?now=2026-13-45T00:00:00Z', 'now', /ISO 8601/],
      [TX, '?profile=nope', 'profile', /medicare_lcd/],
      [TX, '?explain=maybe', 'explain', /true or false/],
      [TX, '?hook=encounter-start', 'hook', /order-select/],
      [TX, '?hook=patient-view&service=facet-pt-order-select', 'hook', /order-select/],
      [TX, '?patient=1', 'patient', /unknown query parameter/]
    ]
    for (const [body, query, expression, diag] of cases) {
      const res = await post(body, query)
      t.equal(res.status, 400, `${query || JSON.stringify(body).slice(0, 60)} → 400`)
      t.equal(res.body.resourceType, 'OperationOutcome')
      t.same(res.body.issue[0].expression, [expression])
      t.match(res.body.issue[0].diagnostics, diag)
    }
    const unknown = await post(TX, '?service=nope')
    t.equal(unknown.status, 404)
    const notJson = await app.inject({ method: 'POST', url: '/evaluate', payload: '{"resourceType":', headers: { 'content-type': 'application/json' } })
    t.equal(notJson.statusCode, 400)
    t.equal(notJson.json().resourceType, 'OperationOutcome')
  })
})

await t.test('the /evaluate log line names rules and counts, never patient data', async (t) => {
  const { LogSink } = await import('../helper.js')
  const logs = new LogSink()
  const { app } = await testApp(t, { logs })
  const res = await app.inject({ method: 'POST', url: '/evaluate', payload: TX })
  t.equal(res.statusCode, 200)
  const line = logs.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'bundle evaluated')
  t.equal(line.cards, 4)
  t.same([...new Set(line.rules as string[])].sort(), ['SAFE-01', 'SUIT-01', 'SUIT-02', 'SUIT-04'])
  for (const secret of ['Ada', 'Example', '1961-05-02', '7d1c2a4e', 'apixaban']) t.notMatch(logs.text, secret, `no ${secret} in the logs`)
})
