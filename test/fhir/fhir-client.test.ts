import t from 'tap'
import { createFhirClient } from '../../src/fhir/fhir-client.js'
import { json, never, searchset, startMockFhirServer, type Handler } from '../mocks/fhir-server.js'

const AUTH = { access_token: 'fhir-token-SECRET-789', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cds' }
const obs = (id: string) => ({ resourceType: 'Observation', id, status: 'final', code: { text: id } })

t.test('queries, headers and paging', async (t) => {
  const fhir = await startMockFhirServer()
  const client = createFhirClient({ timeoutMs: 2000, budgetMs: 5000 })
  t.teardown(async () => { await client.close(); await fhir.close() })
  fhir.routes.set('Patient/p1', json({ resourceType: 'Patient', id: 'p1' }))
  fhir.routes.set('Observation?patient=p1', json(searchset([obs('o1'), obs('o2')], `${fhir.base}/Observation?page=2`)))
  fhir.routes.set('Observation?page=2', json(searchset([obs('o3')], `${fhir.base}/Observation?page=3`)))
  fhir.routes.set('Observation?page=3', json(searchset([obs('o4')])))
  const out = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 'patient', url: 'Patient/p1' }, { key: 'observations', url: 'Observation?patient=p1' }] })
  t.same(out.get('patient'), { resourceType: 'Patient', id: 'p1' })
  const bundle = out.get('observations') as { entry: Array<{ resource: { id: string } }>, link?: unknown }
  t.same(bundle.entry.map((e) => e.resource.id), ['o1', 'o2', 'o3', 'o4'], 'the pages are merged in order')
  t.equal(bundle.link, undefined, 'no next link once every page was read')
  t.equal(fhir.requests.length, 4)
  for (const r of fhir.requests) {
    t.equal(r.headers.accept, 'application/fhir+json')
    t.equal(r.headers.authorization, 'Bearer fhir-token-SECRET-789')
  }
  fhir.requests.length = 0
  await client.fetch({ fhirServer: `${fhir.base}/`, authorization: undefined, queries: [{ key: 'patient', url: 'Patient/p1' }] })
  t.equal(fhir.requests[0]?.url, '/fhir/Patient/p1', 'a trailing slash on fhirServer is fine')
  t.equal(fhir.requests[0]?.headers.authorization, undefined, 'no Authorization header without a token')
})

t.test('paging is bounded and stays on the FHIR server origin', async (t) => {
  const fhir = await startMockFhirServer()
  const client = createFhirClient({ timeoutMs: 2000, budgetMs: 5000, maxPages: 3 })
  t.teardown(async () => { await client.close(); await fhir.close() })
  const endless: Handler = (res, url) => { const n = Number(url.searchParams.get('page') ?? '1'); json(searchset([obs(`o${n}`)], `${fhir.base}/Observation?page=${n + 1}`))(res, url) }
  fhir.routes.set('Observation', endless)
  const out = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 'observations', url: 'Observation?page=1' }] })
  const bundle = out.get('observations') as { entry: unknown[], link: Array<{ relation: string, url: string }> }
  t.equal(bundle.entry.length, 3, 'three pages read')
  t.equal(fhir.requests.length, 3, 'no fourth request')
  t.same(bundle.link, [{ relation: 'next', url: `${fhir.base}/Observation?page=4` }], 'the next link is kept: the result is incomplete')

  fhir.requests.length = 0
  fhir.routes.set('Condition', json(searchset([obs('c1')], 'http://169.254.169.254/latest/meta-data')))
  const ssrf = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 'conditions', url: 'Condition?patient=p1' }, { key: 'evil', url: 'http://127.0.0.2:1/x' }] })
  t.type(ssrf.get('conditions'), Error, 'a next link to another origin is an error, not followed')
  t.type(ssrf.get('evil'), Error, 'a query to another origin is an error')
  t.equal(fhir.requests.length, 1)
})

t.test('errors per key: 401, 500, invalid JSON, not a resource, timeout, unreachable', async (t) => {
  const fhir = await startMockFhirServer()
  const client = createFhirClient({ timeoutMs: 150, budgetMs: 5000 })
  t.teardown(async () => { await client.close(); await fhir.close() })
  fhir.routes.set('A', json({ resourceType: 'OperationOutcome', issue: [] }, 401))
  fhir.routes.set('B', json({ resourceType: 'OperationOutcome', issue: [] }, 500))
  fhir.routes.set('C', (res) => { res.writeHead(200, { 'content-type': 'application/fhir+json' }); res.end('{"resourceType": "Bundle", ') })
  fhir.routes.set('D', json([1, 2]))
  fhir.routes.set('E', never)
  fhir.routes.set('F', json({ resourceType: 'Patient', id: 'ok' }))
  const out = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: ['A', 'B', 'C', 'D', 'E', 'F'].map((k) => ({ key: k, url: k })) })
  t.match((out.get('A') as Error).message, /answered 401/)
  t.match((out.get('B') as Error).message, /answered 500/)
  t.match((out.get('C') as Error).message, /invalid JSON/)
  t.match((out.get('D') as Error).message, /not a resource/)
  t.match((out.get('E') as Error).message, /timed out/)
  t.same(out.get('F'), { resourceType: 'Patient', id: 'ok' }, 'one failure does not spoil the other keys')
  for (const v of out.values()) if (v instanceof Error) t.notOk(v.message.includes('127.0.0.1') || v.message.includes('SECRET'), 'no URL or token in the error')
  const down = await client.fetch({ fhirServer: 'http://127.0.0.1:1/fhir', authorization: AUTH, queries: [{ key: 'x', url: 'Patient/p1' }] })
  t.match((down.get('x') as Error).message, /failed/)
})

t.test('queries run in parallel and the whole call is bounded by the request budget', async (t) => {
  const fhir = await startMockFhirServer()
  t.teardown(async () => { await fhir.close() })
  // Each answer waits until both queries are in flight: sequential queries would time out.
  let released = false
  const barrier: Handler = (res, url) => {
    const check = (): void => {
      released ||= fhir.inFlight() >= 2
      if (released) json({ resourceType: 'Patient', id: url.pathname })(res, url)
      else if (!res.destroyed) setTimeout(check, 5)
    }
    check()
  }
  fhir.routes.set('P1', barrier)
  fhir.routes.set('P2', barrier)
  const client = createFhirClient({ timeoutMs: 2000, budgetMs: 5000 })
  const out = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 'a', url: 'P1' }, { key: 'b', url: 'P2' }] })
  await client.close()
  t.notOk(out.get('a') instanceof Error, 'first query answered')
  t.notOk(out.get('b') instanceof Error, 'second query answered')

  fhir.routes.set('S', never)
  const budgeted = createFhirClient({ timeoutMs: 60_000, budgetMs: 100 })
  const slow = await budgeted.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 's1', url: 'S' }, { key: 's2', url: 'S' }] })
  await budgeted.close()
  t.match((slow.get('s1') as Error).message, /budget/)
  t.match((slow.get('s2') as Error).message, /budget/)
})

t.test('a bad fhirServer is an error for every key', async (t) => {
  const client = createFhirClient({ timeoutMs: 100, budgetMs: 100 })
  t.teardown(async () => { await client.close() })
  const out = await client.fetch({ fhirServer: 'not a url', authorization: undefined, queries: [{ key: 'a', url: 'Patient/1' }] })
  t.type(out.get('a'), Error)
})
