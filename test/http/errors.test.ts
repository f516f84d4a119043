import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { FIXTURES, testApp } from '../helper.js'

const BODY = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const URL = '/cds-services/facet-pt-order-select'

function isOutcome (
  t: Test,
  res: { statusCode: number, json: () => any, headers: Record<string, unknown> },
  status: number,
  expression?: string
): void {
  t.equal(res.statusCode, status, `status ${status}`)
  const body = res.json()
  t.equal(body.resourceType, 'OperationOutcome')
  t.ok(Array.isArray(body.issue) && body.issue.length > 0, 'has issues')
  if (expression !== undefined) t.ok(body.issue.some((i: any) => (i.expression ?? []).includes(expression)), `names ${expression}: ${JSON.stringify(body.issue)}`)
}

await t.test('client errors are located OperationOutcomes, never 5xx', async (t) => {
  const { app } = await testApp(t)
  const post = async (payload: string, headers: Record<string, string> = { 'content-type': 'application/json' }, url = URL) =>
    await app.inject({ method: 'POST', url, headers, payload })
  const withBody = async (mutate: (b: Record<string, any>) => void) => {
    const b = structuredClone(BODY); mutate(b); return await post(JSON.stringify(b))
  }
  isOutcome(t, await post('{"hook": "order-select",'), 400, 'body')
  isOutcome(t, await post(''), 400)
  isOutcome(t, await post('[]'), 400)
  isOutcome(t, await withBody((b) => { b.context = 'x' }), 400, 'context')
  isOutcome(t, await withBody((b) => { delete b.hookInstance }), 400, 'hookInstance')
  isOutcome(t, await withBody((b) => { b.hookInstance = 42 }), 400, 'hookInstance')
  isOutcome(t, await withBody((b) => { b.hook = 'patient-view' }), 400, 'hook')
  isOutcome(t, await withBody((b) => { delete b.context.patientId }), 400, 'context.patientId')
  isOutcome(t, await withBody((b) => { b.context.patientId = { id: 1 } }), 400, 'context.patientId')
  isOutcome(t, await withBody((b) => { delete b.context.selections }), 400, 'context.selections')
  isOutcome(t, await withBody((b) => { b.context.draftOrders = { resourceType: 'Patient' } }), 400, 'context.draftOrders')
  isOutcome(t, await withBody((b) => { b.context.draftOrders.entry = [{ resource: 'nope' }] }), 400, 'context.draftOrders.entry[0].resource')
  isOutcome(t, await withBody((b) => { b.prefetch.procedures = 'nope' }), 400, 'prefetch.procedures')
  isOutcome(t, await withBody((b) => { b.prefetch.procedures = { resourceType: 'Bundle', entry: {} } }), 400, 'prefetch.procedures.entry')
  isOutcome(t, await withBody((b) => { delete b.fhirServer; b.fhirAuthorization = { access_token: 'x', token_type: 'Bearer', expires_in: 30, scope: 'patient/*.read', subject: 'svc' } }), 400, 'fhirServer')
  isOutcome(t, await withBody((b) => { b.fhirServer = 'ftp://x' }), 400, 'fhirServer')
  isOutcome(t, await post('{"__proto__": {"polluted": true}}'), 400)
  isOutcome(t, await post('hook=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'Content-Type')
  isOutcome(t, await post('{}', { 'content-type': 'application/json' }, '/cds-services/no-such-service'), 404, 'id')
  isOutcome(t, await post(JSON.stringify(BODY), { 'content-type': 'application/json' }, '/cds-services/no-such-service'), 404, 'id')
  const get = await app.inject({ method: 'GET', url: '/nothing-here' })
  isOutcome(t, get, 404)
})

await t.test('body limit → 413 OperationOutcome', async (t) => {
  const { app } = await testApp(t, { config: { BODY_LIMIT_BYTES: 2048 } })
  isOutcome(t, await app.inject({ method: 'POST', url: URL, payload: BODY }), 413)
})

await t.test('an unexpected internal error is a 500 with nothing leaked', async (t) => {
  const { app } = await testApp(t, { fetcher: { fetch: async () => { throw new Error('secret internal detail at /srv/x.ts:12') } } })
  const b = structuredClone(BODY)
  delete b.prefetch.observations
  const res = await app.inject({ method: 'POST', url: URL, payload: b })
  isOutcome(t, res, 500)
  t.notMatch(res.body, /secret|\/srv\/|stack/i, 'no message or stack in the body')
})
