// Real EHR traffic: the token bucket, shedding on event-loop delay (tools before hook calls),
// refusals counted and logged once per window, hostile bodies, headers and trickles.

import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig, rateLimitOf, testConfig } from '../../src/config.js'
import { nestsDeeperThan } from '../../src/http/body-guard.js'
import { RefusalLog, routeGroup, shouldShed } from '../../src/http/hardening.js'
import { Semaphore } from '../../src/http/semaphore.js'
import { TokenBuckets } from '../../src/http/token-bucket.js'
import { FIXTURES, LogSink, NOW, OFFLINE_FETCHER, bundledCatalog, testApp } from '../helper.js'

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const HOOK = '/cds-services/facet-pt-order-select'

await t.test('token bucket: burst, then the sustained rate', async (t) => {
  let now = 0
  const b = new TokenBuckets({ perSecond: 10, burst: 3, now: () => now })
  for (let i = 0; i < 3; i++) t.ok(b.take('a').current <= 3, `burst call ${i + 1} allowed`)
  const refused = b.take('a')
  t.ok(refused.current > 3, 'the 4th call at once is refused')
  t.equal(refused.ttl, 100, 'the next token comes in 1/rate s')
  t.ok(b.take('b').current <= 3, 'another caller has its own bucket')
  now += 100
  t.ok(b.take('a').current <= 3, 'a refilled token is taken')
  t.ok(b.take('a').current > 3)
  now += 10_000
  t.equal(b.peek('a').current, 0, 'refill stops at the burst size')
})

await t.test('the defaults let one EHR at 60 calls/s sustained get every answer', async (t) => {
  const jwt = rateLimitOf(loadConfig({ AUTH_MODE: 'jwt', TRUSTED_ISSUERS: '{"https://ehr.example.org":"https://ehr.example.org/jwks"}' }))
  let now = 0
  const b = new TokenBuckets({ ...jwt, now: () => now })
  let refused = 0
  for (let i = 0; i < 60 * 120; i++) { now = Math.floor(i * 1000 / 60); if (b.take('iss:ehr').current > jwt.burst) refused++ }
  t.equal(refused, 0, '7,200 calls over 2 minutes at 60/s')
  // A burst of 100 at once on top of the steady flow still passes (burst 200).
  for (let i = 0; i < 100; i++) if (b.take('iss:ehr').current > jwt.burst) refused++
  t.equal(refused, 0)
  const off = rateLimitOf(loadConfig({}))
  t.ok(off.perSecond >= 5000, 'AUTH_MODE=off: a limit no closed-loop client on one machine reaches')
  t.same(rateLimitOf(loadConfig({ RATE_LIMIT_PER_SECOND: '20', RATE_LIMIT_BURST: '5' })), { perSecond: 20, burst: 5 })
})

await t.test('shedding follows event-loop delay: tools first, hook calls past the budget, probes never', async (t) => {
  t.equal(shouldShed('hook', 10, 400, 0.25), false, 'a busy loop that answers in time is not overloaded')
  t.equal(shouldShed('tools', 150, 400, 0.25), true)
  t.equal(shouldShed('hook', 150, 400, 0.25), false)
  t.equal(shouldShed('hook', 401, 400, 0.25), true)
  t.equal(shouldShed('hook', 10_000, 0, 0.25), false, '0 = never')
  t.equal(routeGroup('/cds-services/facet-pt-order-select?x=1'), 'hook')
  t.equal(routeGroup('/cds-services/facet-pt-order-select/feedback'), 'feedback')
  t.equal(routeGroup('/rules/validate'), 'tools')
  t.equal(routeGroup('/evaluate?profile=x'), 'tools')

  let delay = 150
  const logs = new LogSink()
  const { app } = await buildApp({
    config: testConfig({ OVERLOAD_MAX_DELAY_MS: 400, DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'info' }),
    catalog: bundledCatalog(),
    clock: () => NOW,
    fetcher: OFFLINE_FETCHER,
    logStream: logs,
    overloadDelayMs: () => delay
  })
  t.teardown(async () => { await app.close() })
  const tools = await app.inject({ method: 'POST', url: '/evaluate', payload: { resourceType: 'Bundle', type: 'collection', entry: [] } })
  t.equal(tools.statusCode, 503, '/evaluate is shed at a quarter of the budget')
  t.equal(tools.headers['retry-after'], '5')
  t.equal(tools.json().resourceType, 'OperationOutcome')
  t.equal((await app.inject({ method: 'POST', url: HOOK, payload: ORDER_SELECT })).statusCode, 200, 'hook calls still run')
  delay = 500
  t.equal((await app.inject({ method: 'POST', url: HOOK, payload: ORDER_SELECT })).statusCode, 503, 'past the budget hook calls are shed')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'probes are never shed')
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /cds_requests_refused_total\{reason="overloaded",route="tools"\} 1/)
  t.match(metrics, /cds_requests_refused_total\{reason="overloaded",route="hook"\} 1/)
  t.equal(logs.text.split('\n').filter((l) => l.includes('"calls refused"')).length, 1, 'two refusals in one window: one log line')
})

await t.test('refusals are logged once per window per reason, with the count since', async (t) => {
  const lines: Array<Record<string, unknown>> = []
  let now = 0
  const log = { warn: (o: Record<string, unknown>) => { lines.push(o) } }
  const r = new RefusalLog(log as never, 10_000, () => now)
  for (let i = 0; i < 50; i++) r.note('rate_limited', {})
  r.note('overloaded', {})
  now = 10_000
  r.note('rate_limited', {})
  t.same(lines.map((l) => [l.reason, l.refusedSinceLastLog]), [['rate_limited', 0], ['overloaded', 0], ['rate_limited', 49]])
})

await t.test('429s are counted in /metrics and write no log line per call', async (t) => {
  const logs = new LogSink()
  const { app } = await testApp(t, { logs, config: { RATE_LIMIT_PER_SECOND: 0.001, RATE_LIMIT_BURST: 1 } })
  for (let i = 0; i < 5; i++) await app.inject({ method: 'GET', url: '/cds-services' })
  t.match((await app.inject({ method: 'GET', url: '/metrics' })).body, /cds_requests_refused_total\{reason="rate_limited",route="other"\} 4/)
  t.equal(logs.text.split('\n').filter((l) => l.includes('"calls refused"')).length, 1)
})

await t.test('hostile JSON: deep nesting is refused before parsing, large bodies pass the gate', async (t) => {
  t.equal(nestsDeeperThan(Buffer.from('['.repeat(65)), 64), true)
  t.equal(nestsDeeperThan(Buffer.from('['.repeat(64) + ']'.repeat(64)), 64), false)
  t.equal(nestsDeeperThan(Buffer.from(`{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`), 64), false, 'brackets inside strings do not count')
  const { app, largeBodies } = await testApp(t, { config: { LARGE_BODY_BYTES: 4096 } })
  const deep = await app.inject({ method: 'POST', url: HOOK, headers: { 'content-type': 'application/json' }, payload: '['.repeat(5_000_000) })
  t.equal(deep.statusCode, 400)
  t.equal(deep.json().resourceType, 'OperationOutcome')
  t.match(deep.json().issue[0].diagnostics, /nests deeper than 64/)
  const big = structuredClone(ORDER_SELECT)
  big.extension = { 'org.example.padding': 'x'.repeat(10_000) }
  const res = await app.inject({ method: 'POST', url: HOOK, headers: { 'content-type': 'application/fhir+json' }, payload: JSON.stringify(big) })
  t.equal(res.statusCode, 200, 'a large valid body (fhir+json) is parsed and evaluated')
  t.equal(largeBodies.inUse, 0, 'its slot was released with the response')
  const bad = await app.inject({ method: 'POST', url: HOOK, headers: { 'content-type': 'application/json' }, payload: `${JSON.stringify(big)}x` })
  t.equal(bad.statusCode, 400)
  t.equal(largeBodies.inUse, 0, 'released after a parse error too')
})

await t.test('semaphore: a bounded number of holders, a bounded wait', async (t) => {
  const s = new Semaphore(1)
  const release = await s.acquire(50)
  await t.rejects(s.acquire(20), /timed out/, 'a waiter gives up after its wait')
  t.equal(s.waiting, 0)
  const next = s.acquire(1000)
  release()
  release() // idempotent
  const r2 = await next
  t.equal(s.inUse, 1, 'the slot passed to the waiter')
  r2()
  t.equal(s.inUse, 0)
})

async function rawExchange (
  port: number,
  send: (write: (s: string) => void) => void
): Promise<{ text: string, closedAfterMs: number }> {
  return await new Promise((resolve, reject) => {
    const started = Date.now()
    const socket = connect(port, '127.0.0.1')
    let text = ''
    socket.on('data', (d) => { text += d.toString() })
    socket.on('error', reject)
    socket.on('close', () => { resolve({ text, closedAfterMs: Date.now() - started }) })
    socket.on('connect', () => { send((s) => { if (!socket.destroyed) socket.write(s) }) })
  })
}

await t.test('protocol-level errors are OperationOutcomes: 431 for huge headers, 408 for a trickling body', async (t) => {
  const { app, largeBodies } = await testApp(t, { config: { REQUEST_TIMEOUT_MS: 1000, LARGE_BODY_BYTES: 4096 } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  // Over a real socket (inject does not auto-destroy the request stream as Node does).
  const big = structuredClone(ORDER_SELECT)
  big.extension = { 'org.example.padding': 'x'.repeat(10_000) }
  const bigs = await Promise.all([1, 2, 3].map(async () => await fetch(`http://127.0.0.1:${port}${HOOK}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(big), signal: AbortSignal.timeout(20_000)
  })))
  t.same(bigs.map((r) => r.status), [200, 200, 200], 'large bodies over HTTP pass the gate')
  t.equal(largeBodies.inUse, 0)
  const huge = await rawExchange(port, (w) => { w(`GET /cds-services HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'a'.repeat(60_000)}\r\n\r\n`) })
  t.match(huge.text, /^HTTP\/1\.1 431 /)
  t.match(huge.text, /content-type: application\/fhir\+json/i)
  t.equal(JSON.parse(huge.text.slice(huge.text.indexOf('\r\n\r\n') + 4)).resourceType, 'OperationOutcome')
  let timer: NodeJS.Timeout | undefined
  const slow = await rawExchange(port, (w) => {
    w(`POST ${HOOK} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`)
    timer = setInterval(() => { w('{') }, 200)
  })
  clearInterval(timer)
  t.match(slow.text, /^HTTP\/1\.1 408 /, 'the trickle is cut with 408')
  t.equal(JSON.parse(slow.text.slice(slow.text.indexOf('\r\n\r\n') + 4)).issue[0].code, 'timeout')
  t.ok(slow.closedAfterMs < 15_000, `closed after ${slow.closedAfterMs} ms, not left open`)
})
