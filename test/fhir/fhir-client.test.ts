import t from 'tap'
import { createFhirClient } from '../../src/fhir/fhir-client.js'
import { hugeBundle, json, never, searchset, stallMidBody, startMockFhirServer, type Handler } from '../mocks/fhir-server.js'

const AUTH = { access_token: 'fhir-token-SECRET-789', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cds' }
const obs = (id: string) => ({ resourceType: 'Observation', id, status: 'final', code: { text: id } })

await t.test('queries, headers and paging', async (t) => {
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

await t.test('paging follows the data: every page, by 2, until the result is complete', async (t) => {
  const fhir = await startMockFhirServer()
  const client = createFhirClient({ timeoutMs: 2000, budgetMs: 5000 })
  t.teardown(async () => { await client.close(); await fhir.close() })
  // 12 Observations, 2 a page: 6 pages (the old client stopped after 5 and lost the key).
  const byTwo: Handler = (res, url) => {
    const n = Number(url.searchParams.get('page') ?? '1')
    const next = n < 6 ? `${fhir.base}/Observation?patient=p1&page=${n + 1}` : undefined
    json(searchset([obs(`o${2 * n - 1}`), obs(`o${2 * n}`)], next))(res, url)
  }
  fhir.routes.set('Observation', byTwo)
  const out = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 'observations', url: 'Observation?patient=p1' }] })
  const bundle = out.get('observations') as { entry: Array<{ resource: { id: string } }>, link?: unknown }
  t.same(bundle.entry.map((e) => e.resource.id), Array.from({ length: 12 }, (_, i) => `o${i + 1}`), 'all 12, in order')
  t.equal(bundle.link, undefined, 'complete: no next link left')
  t.equal(fhir.requests.length, 6)

  // HAPI pages at the base itself: <base>?_getpages=…
  fhir.requests.length = 0
  fhir.routes.set('Condition', json(searchset([obs('c1')], `${fhir.base}?_getpages=abc&_getpagesoffset=1`)))
  fhir.routes.set('/fhir', json(searchset([obs('c2')])))
  const hapi = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 'conditions', url: 'Condition?patient=p1' }] })
  t.same((hapi.get('conditions') as { entry: unknown[] }).entry.length, 2, 'a next link at the base URL itself is followed')
})

await t.test('paging stops at the per-key resource cap (the result stays incomplete), at a loop, and at the budget', async (t) => {
  const fhir = await startMockFhirServer()
  const client = createFhirClient({ timeoutMs: 2000, budgetMs: 5000, maxResourcesPerKey: 5 })
  t.teardown(async () => { await client.close(); await fhir.close() })
  const endless: Handler = (res, url) => { const n = Number(url.searchParams.get('page') ?? '1'); json(searchset([obs(`o${n}`)], `${fhir.base}/Observation?page=${n + 1}`))(res, url) }
  fhir.routes.set('Observation', endless)
  const out = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 'observations', url: 'Observation?page=1' }] })
  const bundle = out.get('observations') as { entry: unknown[], link: Array<{ relation: string, url: string }> }
  t.equal(bundle.entry.length, 5, 'five resources read')
  t.equal(fhir.requests.length, 5, 'no sixth request')
  t.same(bundle.link, [{ relation: 'next', url: `${fhir.base}/Observation?page=6` }], 'the next link is kept: the result is incomplete')

  fhir.routes.set('Loop', json(searchset([obs('l1')], `${fhir.base}/Loop`)))
  const loop = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 'loop', url: 'Loop' }] })
  t.match((loop.get('loop') as Error).message, /repeats a page/, 'a next link back to a page already read is an error')

  // Endless slow pages: the budget, not a page count, ends it; the key is an error, not a short list.
  fhir.routes.set('Slow', (res, url) => { setTimeout(() => { endless(res, url) }, 20) })
  const budgeted = createFhirClient({ timeoutMs: 2000, budgetMs: 150 })
  const started = performance.now()
  const slow = await budgeted.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 'slow', url: 'Slow?page=1' }] })
  await budgeted.close()
  t.match((slow.get('slow') as Error).message, /budget/)
  t.ok(performance.now() - started < 2000, 'ended by the budget (generous bound)')
})

await t.test('link[next] and queries are followed only under the fhirServer base: no request, no token elsewhere', async (t) => {
  const fhir = await startMockFhirServer()
  const elsewhere = await startMockFhirServer()
  const client = createFhirClient({ timeoutMs: 2000, budgetMs: 5000 })
  t.teardown(async () => { await client.close(); await fhir.close(); await elsewhere.close() })
  const nexts: Record<string, string> = {
    otherPath: `${fhir.origin}/admin/Observation?page=2`,
    siblingPrefix: `${fhir.origin}/fhir-internal/Observation?page=2`,
    dotDot: `${fhir.base}/%2e%2e/admin/Observation`,
    encodedSlash: `${fhir.base}/..%2Fadmin/Observation`,
    credentials: `${fhir.base.replace('http://', 'http://user:pw@')}/Observation?page=2`,
    otherOrigin: `${elsewhere.base}/Observation?page=2`,
    otherScheme: `${fhir.base.replace('http://', 'https://')}/Observation?page=2`,
    metadata: 'http://169.254.169.254/latest/meta-data'
  }
  for (const [name, next] of Object.entries(nexts)) fhir.routes.set(name, json(searchset([obs(name)], next)))
  const queries = [...Object.keys(nexts).map((k) => ({ key: k, url: k })), { key: 'absolute', url: `${elsewhere.base}/Patient/p1` }, { key: 'up', url: '../admin/Patient/p1' }]
  const out = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries })
  for (const k of Object.keys(nexts)) t.match((out.get(k) as Error).message, /next link leaves the fhirServer base URL/, `${k}: not followed`)
  t.match((out.get('absolute') as Error).message, /query leaves the fhirServer base URL/)
  t.match((out.get('up') as Error).message, /query leaves the fhirServer base URL/)
  t.same(fhir.requests.map((r) => r.url).sort(), Object.keys(nexts).map((k) => `/fhir/${k}`).sort(), 'only the first pages were requested')
  t.equal(elsewhere.requests.length, 0, 'the other origin never saw a request (nor the token)')
  t.notOk(fhir.requests.some((r) => !r.url.startsWith('/fhir/')), 'nothing outside /fhir/ on the same origin')

  // A redirect is not followed either (it would carry the token off the base).
  fhir.requests.length = 0
  fhir.routes.set('Moved', (res) => { res.writeHead(302, { location: `${elsewhere.base}/Patient/p1` }); res.end() })
  const moved = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 'moved', url: 'Moved' }] })
  t.match((moved.get('moved') as Error).message, /answered 302/)
  t.equal(elsewhere.requests.length, 0, 'the redirect target was never requested')
})

await t.test('the body read is bounded: byte cap (declared or streamed) and the deadline', async (t) => {
  const fhir = await startMockFhirServer()
  const client = createFhirClient({ timeoutMs: 5000, budgetMs: 5000, maxResponseBytes: 1_048_576 })
  t.teardown(async () => { await client.close(); await fhir.close() })
  const streamed = { bytes: 0 }
  const declared = { bytes: 0 }
  fhir.routes.set('Streamed', hugeBundle(50 * 1_048_576, streamed))
  fhir.routes.set('Declared', hugeBundle(50 * 1_048_576, declared, true))
  fhir.routes.set('Small', hugeBundle(500_000, { bytes: 0 }))
  const out = await client.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: ['Streamed', 'Declared', 'Small'].map((k) => ({ key: k, url: k })) })
  t.match((out.get('Streamed') as Error).message, /larger than 1048576 bytes/)
  t.match((out.get('Declared') as Error).message, /larger than 1048576 bytes/)
  t.equal((out.get('Small') as { resourceType: string }).resourceType, 'Bundle', 'a body under the cap is read')
  t.ok(streamed.bytes < 20 * 1_048_576, `the streamed body was cut off (${streamed.bytes} of 50 MB written)`)
  t.ok(declared.bytes < 20 * 1_048_576, `a declared Content-Length over the cap is refused early (${declared.bytes} written)`)

  // Headers at once, then the body stalls: the budget ends the read although FHIR_TIMEOUT_MS is long.
  fhir.routes.set('Stall', stallMidBody)
  const budgeted = createFhirClient({ timeoutMs: 60_000, budgetMs: 150 })
  const started = performance.now()
  const stalled = await budgeted.fetch({ fhirServer: fhir.base, authorization: AUTH, queries: [{ key: 's', url: 'Stall' }] })
  await budgeted.close()
  t.match((stalled.get('s') as Error).message, /budget/)
  t.ok(performance.now() - started < 3000, 'the stalled body read ended at the deadline (generous bound)')
})

await t.test('errors per key: 401, 500, invalid JSON, not a resource, timeout, unreachable', async (t) => {
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

await t.test('queries run in parallel and the whole call is bounded by the request budget', async (t) => {
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

await t.test('a bad fhirServer is an error for every key', async (t) => {
  const client = createFhirClient({ timeoutMs: 100, budgetMs: 100 })
  t.teardown(async () => { await client.close() })
  const out = await client.fetch({ fhirServer: 'not a url', authorization: undefined, queries: [{ key: 'a', url: 'Patient/1' }] })
  t.type(out.get('a'), Error)
})
