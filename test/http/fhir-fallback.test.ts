import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { type Config, testConfig } from '../../src/config.js'
import { createFhirClient } from '../../src/fhir/fhir-client.js'
import { FIXTURES, LogSink, NOW, bundledCatalog, testApp } from '../helper.js'
import { hugeBundle, json, searchset, stallMidBody, startMockFhirServer, type Handler, type MockFhirServer } from '../mocks/fhir-server.js'

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const URL_ = '/cds-services/facet-pt-order-select'
const TOKEN = 'fhir-token-SECRET-321'
const AUTH = { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cds' }
const resourcesOf = (b: any): unknown[] => (b?.entry ?? []).map((e: any) => e.resource)

/** The mock EHR serves what the fixture prefetched; observations come in two pages. */
function serveFixture (fhir: MockFhirServer): void {
  const p = ORDER_SELECT.prefetch
  const id = ORDER_SELECT.context.patientId as string
  fhir.routes.set(`Patient/${id}`, json(p.patient))
  fhir.routes.set('Procedure', json(p.procedures))
  fhir.routes.set('Condition', json(p.conditions))
  const obs = resourcesOf(p.observations)
  fhir.routes.set('Observation', json(searchset(obs.slice(0, 20), `${fhir.base}/Observation?page=2&patient=${id}`)))
  fhir.routes.set(`Observation?page=2&patient=${id}`, json(searchset(obs.slice(20))))
  fhir.routes.set('MedicationRequest', json(p.medications))
  fhir.routes.set('ServiceRequest', json(p.serviceRequests))
  for (const type of ['MedicationStatement', 'Appointment', 'CarePlan', 'Device', 'AllergyIntolerance']) fhir.routes.set(type, json(searchset([])))
}

const codes = (res: { json: () => any }): string[] => res.json().cards.map((c: any) => c.source.topic?.code).sort()

await t.test('absent prefetch is fetched from fhirServer: same advice as a full prefetch', async (t) => {
  const fhir = await startMockFhirServer()
  serveFixture(fhir)
  const client = createFhirClient({ timeoutMs: 2000, budgetMs: 5000 })
  const { app } = await testApp(t, { fetcher: client })
  t.teardown(async () => { await client.close(); await fhir.close() })
  const full = await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, fhirServer: 'http://127.0.0.1:1/unused' } })
  const body: Record<string, any> = { ...structuredClone(ORDER_SELECT), fhirServer: fhir.base, fhirAuthorization: AUTH }
  delete body.prefetch
  const fetched = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.equal(fetched.statusCode, 200)
  t.same(codes(fetched), codes(full), 'the same cards')
  t.ok(codes(fetched).includes('SAFE-01'), 'apixaban fetched from the FHIR server is flagged')
  t.notOk(codes(fetched).includes('DATA-UNAVAILABLE'))
  t.ok(fhir.requests.some((r) => r.url.includes('page=2')), 'the second observation page was read')
  t.ok(fhir.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}` && r.headers.accept === 'application/fhir+json'))
})

await t.test('a failing FHIR server never becomes a confident "criteria not met"', async (t) => {
  const fhir = await startMockFhirServer()
  serveFixture(fhir)
  fhir.routes.set('Observation', json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }, 500))
  fhir.routes.set('MedicationRequest', (res) => { res.writeHead(200); res.end('<html>not json') })
  const client = createFhirClient({ timeoutMs: 2000, budgetMs: 5000 })
  const { app } = await testApp(t, { fetcher: client })
  t.teardown(async () => { await client.close(); await fhir.close() })
  const body: Record<string, any> = { ...structuredClone(ORDER_SELECT), fhirServer: fhir.base, fhirAuthorization: AUTH }
  delete body.prefetch.observations
  delete body.prefetch.medications
  const res = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.equal(res.statusCode, 200)
  const card = res.json().cards.find((c: any) => c.source.topic?.code === 'DATA-UNAVAILABLE')
  t.ok(card, 'the data gap is said')
  t.match(card.summary, /Observation/)
  t.match(card.summary, /MedicationRequest/)
  t.notOk(codes(res).includes('SUIT-01'), 'no "no pain score" card when observations could not be read')
  t.notOk(codes(res).includes('SAFE-01'), 'no anticoagulant card without medication data, and no "safe" either')

  fhir.routes.set('Observation', json(searchset(resourcesOf(ORDER_SELECT.prefetch.observations).slice(0, 5), `${fhir.base}/Observation?page=2`)))
  fhir.routes.set('Observation?page=2', json({}, 500))
  const partial = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.ok(codes(partial).includes('DATA-UNAVAILABLE'), 'a failed next page leaves the key incomplete')
})

await t.test('the required patient unobtainable → 412', async (t) => {
  const fhir = await startMockFhirServer()
  serveFixture(fhir)
  fhir.routes.set(`Patient/${String(ORDER_SELECT.context.patientId)}`, json({ resourceType: 'OperationOutcome', issue: [] }, 401))
  const client = createFhirClient({ timeoutMs: 2000, budgetMs: 5000 })
  const { app } = await testApp(t, { fetcher: client })
  t.teardown(async () => { await client.close(); await fhir.close() })
  const body: Record<string, any> = { ...structuredClone(ORDER_SELECT), fhirServer: fhir.base, fhirAuthorization: AUTH }
  delete body.prefetch.patient
  const res = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.equal(res.statusCode, 412)
  t.equal(res.json().resourceType, 'OperationOutcome')
  t.same(res.json().issue[0].expression, ['prefetch.patient'])
  t.match(res.json().issue[0].diagnostics, /could not be fetched from fhirServer/)
})

await t.test('buildApp creates the undici fetcher from the config; token and patient data stay out of the logs', async (t) => {
  const fhir = await startMockFhirServer()
  serveFixture(fhir)
  const logs = new LogSink()
  const { app } = await buildApp({ config: testConfig({ LOG_LEVEL: 'info', FHIR_TIMEOUT_MS: 2000, REQUEST_BUDGET_MS: 5000 }), catalog: bundledCatalog(), clock: () => NOW, logStream: logs })
  t.teardown(async () => { await app.close(); await fhir.close() })
  const body: Record<string, any> = { ...structuredClone(ORDER_SELECT), fhirServer: fhir.base, fhirAuthorization: AUTH }
  delete body.prefetch
  const res = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.equal(res.statusCode, 200)
  t.ok(codes(res).includes('SAFE-01'))
  t.ok(fhir.requests.length >= 9, 'every query went to the mock server')
  fhir.routes.clear()
  const failed = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.equal(failed.statusCode, 412)
  for (const secret of [TOKEN, 'Quixotefamily', 'Marisol', 'MRN-5551234', '1961-07-04', 'apixaban', fhir.origin]) {
    t.notOk(logs.text.includes(secret), `the log never contains ${secret}`)
  }
})

await t.test('the default FHIR client reports every request to /metrics', async (t) => {
  const fhir = await startMockFhirServer()
  serveFixture(fhir)
  const { app } = await buildApp({ config: testConfig({ DATABASE_URL: 'sqlite::memory:', FHIR_TIMEOUT_MS: 2000, REQUEST_BUDGET_MS: 5000 }), catalog: bundledCatalog(), clock: () => NOW })
  t.teardown(async () => { await app.close(); await fhir.close() })
  const body: Record<string, any> = { ...structuredClone(ORDER_SELECT), fhirServer: fhir.base, fhirAuthorization: AUTH }
  delete body.prefetch.observations
  delete body.prefetch.medications
  const res = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.equal(res.statusCode, 200)
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  const count = Number(/cds_fhir_request_duration_seconds_count\{result="ok"\} (\d+)/.exec(metrics)?.[1] ?? 0)
  t.equal(count, fhir.requests.length, 'one observation per HTTP request (2 observation pages + medications)')
  t.ok(count >= 3)
})

/** The app with the FHIR client built from the config (as in production), loopback mock behind it. */
async function configuredApp (t: Test, config: Partial<Config>): Promise<FastifyInstance> {
  const { app } = await buildApp({ config: testConfig({ DATABASE_URL: 'sqlite::memory:', ...config }), catalog: bundledCatalog(), clock: () => NOW })
  t.teardown(async () => { await app.close() })
  return app
}

const unavailableSummary = (res: { json: () => any }): string | undefined => res.json().cards.find((c: any) => c.source.topic?.code === 'DATA-UNAVAILABLE')?.summary

await t.test('paging follows the data: 12 Observations served 2 a page are all read, fetched or continued from a prefetch', async (t) => {
  const fhir = await startMockFhirServer()
  t.teardown(async () => { await fhir.close() })
  const twelve = resourcesOf(ORDER_SELECT.prefetch.observations).slice(0, 12)
  const page = (n: number): string => `${fhir.base}/Observation?patient=pat-facet-1&page=${n}`
  const byTwo: Handler = (res, url) => {
    const n = Number(url.searchParams.get('page') ?? '1')
    json(searchset(twelve.slice(2 * n - 2, 2 * n), n < 6 ? page(n + 1) : undefined))(res, url)
  }
  fhir.routes.set('Observation', byTwo)
  const app = await configuredApp(t, { FHIR_TIMEOUT_MS: 2000, REQUEST_BUDGET_MS: 5000 })
  const full = await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, prefetch: { ...ORDER_SELECT.prefetch, observations: searchset(twelve) } } })

  const fetchedBody: Record<string, any> = {
    ...structuredClone(ORDER_SELECT),
    fhirServer: fhir.base,
    fhirAuthorization: AUTH
  }
  delete fetchedBody.prefetch.observations
  const fetched = await app.inject({ method: 'POST', url: URL_, payload: fetchedBody })
  t.equal(fetched.statusCode, 200)
  t.equal(unavailableSummary(fetched), undefined, 'no "Some checks could not run" card')
  t.same(codes(fetched), codes(full), 'the same cards as the 12 Observations prefetched in one Bundle')
  t.equal(fhir.requests.length, 6, 'six pages read (the old client gave up after five)')

  fhir.requests.length = 0
  const continued = await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, fhirServer: fhir.base, fhirAuthorization: AUTH, prefetch: { ...ORDER_SELECT.prefetch, observations: searchset(twelve.slice(0, 2), page(2)) } } })
  t.equal(unavailableSummary(continued), undefined, 'a prefetched first page is continued to the end')
  t.same(codes(continued), codes(full))
  t.same(fhir.requests.map((r) => new URL(r.url, fhir.origin).searchParams.get('page')), ['2', '3', '4', '5', '6'])
})

await t.test('paging past FHIR_MAX_RESOURCES_PER_KEY leaves the key unavailable', async (t) => {
  const fhir = await startMockFhirServer()
  t.teardown(async () => { await fhir.close() })
  const one = resourcesOf(ORDER_SELECT.prefetch.observations).slice(2, 3)
  const endless: Handler = (res, url) => { const n = Number(url.searchParams.get('page') ?? '1'); json(searchset(one, `${fhir.base}/Observation?page=${n + 1}`))(res, url) }
  fhir.routes.set('Observation', endless)
  const app = await configuredApp(t, { FHIR_TIMEOUT_MS: 2000, REQUEST_BUDGET_MS: 5000, FHIR_MAX_RESOURCES_PER_KEY: 1 })
  const body: Record<string, any> = { ...structuredClone(ORDER_SELECT), fhirServer: fhir.base, fhirAuthorization: AUTH }
  body.prefetch.observations = searchset(resourcesOf(ORDER_SELECT.prefetch.observations).slice(0, 2), `${fhir.base}/Observation?page=2`)
  const res = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.match(unavailableSummary(res), /Observation/, 'the capped key is said to be unavailable')
  t.equal(fhir.requests.length, 1, 'nothing read past the cap')
})

await t.test('a FHIR server stuck mid-body: the key is unavailable within the budget and the call still answers 200', async (t) => {
  const fhir = await startMockFhirServer()
  serveFixture(fhir)
  fhir.routes.set('Observation', stallMidBody)
  const app = await configuredApp(t, { FHIR_TIMEOUT_MS: 30_000, REQUEST_BUDGET_MS: 300 })
  t.teardown(async () => { await fhir.close() })
  const body: Record<string, any> = { ...structuredClone(ORDER_SELECT), fhirServer: fhir.base, fhirAuthorization: AUTH }
  delete body.prefetch.observations
  const started = performance.now()
  const res = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.equal(res.statusCode, 200)
  t.match(unavailableSummary(res), /Observation/)
  t.ok(performance.now() - started < 5000, 'answered long before FHIR_TIMEOUT_MS (generous bound)')
})

await t.test('a huge FHIR response is cut at FHIR_MAX_RESPONSE_BYTES: the key is unavailable, the call answers', async (t) => {
  const fhir = await startMockFhirServer()
  serveFixture(fhir)
  const sent = { bytes: 0 }
  fhir.routes.set('Observation', hugeBundle(50 * 1_048_576, sent))
  const app = await configuredApp(t, {
    FHIR_TIMEOUT_MS: 5000,
    REQUEST_BUDGET_MS: 5000,
    FHIR_MAX_RESPONSE_BYTES: 1_048_576
  })
  t.teardown(async () => { await fhir.close() })
  const body: Record<string, any> = { ...structuredClone(ORDER_SELECT), fhirServer: fhir.base, fhirAuthorization: AUTH }
  delete body.prefetch.observations
  const res = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.equal(res.statusCode, 200)
  t.match(unavailableSummary(res), /Observation/)
  t.ok(sent.bytes < 20 * 1_048_576, `the 50 MB body was not read to the end (${sent.bytes} bytes written)`)
})

await t.test('link[next] to another path or origin is not followed: the token never leaves the fhirServer base', async (t) => {
  const fhir = await startMockFhirServer()
  const elsewhere = await startMockFhirServer()
  serveFixture(fhir)
  const app = await configuredApp(t, { FHIR_TIMEOUT_MS: 2000, REQUEST_BUDGET_MS: 5000 })
  t.teardown(async () => { await fhir.close(); await elsewhere.close() })
  const obs = resourcesOf(ORDER_SELECT.prefetch.observations)
  for (const next of [`${fhir.origin}/admin/Observation?page=2`, `${elsewhere.base}/Observation?page=2`]) {
    fhir.requests.length = 0
    fhir.routes.set('Observation', json(searchset(obs.slice(0, 5), next)))
    const body: Record<string, any> = {
      ...structuredClone(ORDER_SELECT),
      fhirServer: fhir.base,
      fhirAuthorization: AUTH
    }
    delete body.prefetch.observations
    const res = await app.inject({ method: 'POST', url: URL_, payload: body })
    t.equal(res.statusCode, 200)
    t.match(unavailableSummary(res), /Observation/, 'the unfollowed page leaves the key incomplete')
    t.notOk(fhir.requests.some((r) => r.url.startsWith('/admin')), 'the other path was never requested')
  }
  t.equal(elsewhere.requests.length, 0, 'the other origin never saw a request')
  t.notOk(elsewhere.requests.some((r) => r.headers.authorization !== undefined), 'nor the token')
})
