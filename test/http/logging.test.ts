import { readFileSync } from 'node:fs'
import t from 'tap'
import { FIXTURES, LogSink, testApp } from '../helper.js'

const BODY = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>

await t.test('one log line per call, with no PHI, tokens or prefetch', async (t) => {
  const logs = new LogSink()
  const { app } = await testApp(t, { logs })
  const body = structuredClone(BODY)
  body.fhirAuthorization = { access_token: 'fhir-token-SECRET-123', token_type: 'Bearer', expires_in: 30, scope: 'patient/*.read', subject: 'svc' }
  const res = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', headers: { authorization: 'Bearer jwt-SECRET-456' }, payload: body })
  t.equal(res.statusCode, 200)
  const bad = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', headers: { authorization: 'Bearer jwt-SECRET-456' }, payload: { ...body, context: 'Quixotefamily' } })
  t.equal(bad.statusCode, 400)
  const text = logs.text
  for (const secret of ['Quixotefamily', 'Marisol', 'MRN-5551234', '1961-07-04', 'fhir-token-SECRET-123', 'jwt-SECRET-456', 'apixaban']) {
    t.notOk(text.includes(secret), `the log never contains ${secret}`)
  }
  const lines = logs.lines.map((l) => JSON.parse(l) as Record<string, any>)
  const hookLines = lines.filter((l) => l.msg === 'hook evaluated')
  t.equal(hookLines.length, 1, 'one line for the call')
  const line = hookLines[0] as Record<string, any>
  t.equal(line.service, 'facet-pt-order-select')
  t.equal(line.hookInstance, BODY.hookInstance)
  t.ok(Array.isArray(line.rulesFired) && line.rulesFired.length > 0, 'rules fired are listed')
  t.equal(line.cards, res.json().cards.length)
  t.type(line.durationMs, 'number')
})
