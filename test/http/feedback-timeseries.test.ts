// GET /feedback/timeseries: the dashboard's series from real hook answers and feedback, per rule
// and version, per day or week; located 400s for a bad since or bucket.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { FIXTURES, NOW, testApp } from '../helper.js'

// A scenario whose order gets several cards (of several rules).
const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}scenarios/order-select-therapeutic-mbb-apixaban-fever-low-pain.json`, 'utf8')).request as Record<string, any>

await t.test('cards issued and their feedback, per rule and day', async (t) => {
  const { app } = await testApp(t)
  const cards = (await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: ORDER_SELECT })).json().cards as any[]
  t.ok(cards.length >= 2)
  const [first, second] = cards
  const feedback = await app.inject({
    method: 'POST',
    url: '/cds-services/facet-pt-order-select/feedback',
    payload: { feedback: [{ card: second.uuid, outcome: 'overridden', overrideReason: { reason: { code: 'patient-declined', system: 'urn:facet-pt-cds:override-reason', display: 'Patient declined' } }, outcomeTimestamp: '2026-11-29T10:05:00Z' }] }
  })
  t.equal(feedback.statusCode, 200)
  const res = await app.inject({ method: 'GET', url: '/feedback/timeseries?since=7d' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.bucket, 'day')
  t.equal(body.since, '2026-11-22T00:00:00.000Z', '7 days before the clock, aligned to the day')
  const ruleOf = (c: any): string => c.extension['org.facet-pt-cds'].rule
  t.same(body.series.map((s: any) => s.rule), [...new Set(cards.map(ruleOf))].sort(), 'one series per rule (one version each)')
  const overridden = body.series.find((s: any) => s.rule === ruleOf(second))
  t.equal(overridden.version, second.extension['org.facet-pt-cds'].version ?? overridden.version)
  t.equal(overridden.points.length, 8)
  t.match(overridden.points.at(-1), { start: NOW.toISOString().slice(0, 10) + 'T00:00:00.000Z', shown: 1, accepted: 0, overridden: 1, overrideRate: 1 })
  t.same(overridden.topOverrideReasons, [{ code: 'patient-declined', system: 'urn:facet-pt-cds:override-reason', display: 'Patient declined', count: 1 }])
  const untouched = body.series.find((s: any) => s.rule === ruleOf(first) && s.rule !== ruleOf(second))
  const quiet = { shown: 1, accepted: 0, overridden: 0, overrideRate: null }
  if (untouched !== undefined) t.match(untouched.points.at(-1), quiet)
  const one = (await app.inject({ method: 'GET', url: `/feedback/timeseries?rule=${ruleOf(second)}&bucket=week&since=2026-11-01` })).json()
  t.same(one.series.map((s: any) => s.rule), [ruleOf(second)])
  t.equal(one.since, '2026-10-26T00:00:00.000Z', 'the Monday of the week of since')
  t.equal(one.series[0].points.length, 5, 'weeks of 10-26 … 11-23 (the clock, Sunday 11-29, is in the last)')
})

await t.test('a bad since or bucket is a located 400', async (t) => {
  const { app } = await testApp(t)
  const expression = async (query: string): Promise<string> => {
    const res = await app.inject({ method: 'GET', url: `/feedback/timeseries?${query}` })
    t.equal(res.statusCode, 400, query)
    return res.json().issue[0].expression[0]
  }
  t.equal(await expression('since=yesterday'), 'since')
  t.equal(await expression('since=2027-01-01'), 'since', 'in the future')
  t.equal(await expression('since=2020-01-01'), 'since', 'too many day buckets')
  t.equal(await expression('bucket=month'), 'bucket')
  t.equal((await app.inject({ method: 'GET', url: '/feedback/timeseries?other=1' })).statusCode, 400, 'an unknown parameter')
})
