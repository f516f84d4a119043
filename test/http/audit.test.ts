import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openStore } from '../../src/store/open.js'
import type { Store, TimeseriesQuery } from '../../src/store/types.js'
import { buildApp } from '../../src/app.js'
import { testConfig } from '../../src/config.js'
import { FIXTURES, LogSink, NOW, bundledCatalog, tempDir, testApp } from '../helper.js'

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const URL_ = '/cds-services/facet-pt-order-select'
const TOKEN = 'fhir-token-SECRET-777'

await t.test('every hook call is audited, error outcomes too, without patient data or tokens', async (t) => {
  let tick = 0 // a clock that moves, so audit rows sort in call order
  const { app, store } = await testApp(t, { clock: () => new Date(NOW.getTime() + 1000 * tick++) })
  const withToken = { ...structuredClone(ORDER_SELECT), fhirAuthorization: { access_token: TOKEN, token_type: 'Bearer', expires_in: 30, scope: 'patient/*.read', subject: 'svc' } }
  const ok = await app.inject({ method: 'POST', url: URL_, payload: withToken })
  t.equal(ok.statusCode, 200)
  const cards = (ok.json() as { cards: Array<Record<string, any>> }).cards
  const noPatient = structuredClone(ORDER_SELECT)
  delete noPatient.prefetch.patient
  delete noPatient.fhirServer
  noPatient.hookInstance = 'hi-412'
  t.equal((await app.inject({ method: 'POST', url: URL_, payload: noPatient })).statusCode, 412)
  t.equal((await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, hook: 'patient-view', hookInstance: 'hi-400' } })).statusCode, 400)
  t.equal((await app.inject({ method: 'POST', url: '/cds-services/nope', payload: ORDER_SELECT })).statusCode, 404)
  t.equal((await app.inject({ method: 'POST', url: URL_, payload: '{not json', headers: { 'content-type': 'application/json' } })).statusCode, 400)
  await app.inject({ method: 'GET', url: '/feedback/summary' }) // drains the queue

  const audits = await store.audits()
  t.same(audits.map((a) => a.status), [200, 412, 400, 404, 400])
  const [first, missing, wrongHook, unknown, broken] = audits
  t.match(first, {
    service: 'facet-pt-order-select',
    hook: 'order-select',
    hookInstance: ORDER_SELECT.hookInstance,
    catalogHash: bundledCatalog().hash,
    cardUuids: cards.map((c) => c.uuid)
  })
  const fired = (c: Record<string, any>) => { const e = c.extension['org.facet-pt-cds']; return `${String(e.rule)}${e.variant === undefined ? '' : `/${String(e.variant)}`}@${String(e.version)}` }
  t.same(first?.rulesFired, cards.map(fired), 'rule id, variant and version of each card')
  t.ok((first?.durationMs ?? -1) >= 0, 'duration recorded')
  t.match(missing, { hookInstance: 'hi-412', rulesFired: [], cardUuids: [] })
  t.match(wrongHook, { hookInstance: 'hi-400', hook: 'patient-view' })
  t.match(unknown, { service: 'nope' })
  t.match(broken, { hook: null, hookInstance: null })
  const everything = JSON.stringify({ audits, cards: await store.issuedCards() })
  t.notOk(everything.includes(TOKEN), 'no token stored')
  t.notOk(everything.includes(String(ORDER_SELECT.context.patientId)), 'no patient id stored')
  t.equal((await store.issuedCards()).length, cards.length, 'only cards of 200 answers are recorded as issued')
})

/** A store whose writes always fail. */
function failingStore (): Store & { attempts: number } {
  const s = {
    kind: 'sqlite' as const,
    attempts: 0,
    migrate: async () => {},
    write: async () => { s.attempts++; throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR', detail: 'Failing row contains (PHI-LIKE)' }) },
    probe: async () => { throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }) },
    rememberJti: async () => true,
    summary: async () => ({ since: null, service: null, rules: [], unknownCardFeedback: 0 }),
    timeseries: async (q: TimeseriesQuery) => ({ bucket: q.bucket, since: q.since, series: [] }),
    feedback: async () => [],
    audits: async () => [],
    issuedCards: async () => [],
    close: async () => {}
  }
  return s
}

await t.test('a failing store never fails the hook answer; the error is logged and counted, the rows kept for a retry', async (t) => {
  const logs = new LogSink()
  const store = failingStore()
  const { app, queue } = await testApp(t, { logs, store })
  const res = await app.inject({ method: 'POST', url: URL_, payload: ORDER_SELECT })
  t.equal(res.statusCode, 200, 'the answer went out')
  t.ok((res.json() as { cards: unknown[] }).cards.length > 0)
  await queue.drain()
  t.ok(store.attempts >= 1, 'the write was attempted')
  t.match(logs.text, /store write failed/)
  t.match(logs.text, /SQLITE_IOERR/)
  t.notOk(logs.text.includes('PHI-LIKE'), 'driver details are not logged')
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /cds_store_write_errors_total \d+/)
  t.notMatch(metrics, /cds_store_write_errors_total 0\b/, 'counted')
  t.match(metrics, /cds_store_queue_depth 2\b/, 'the card and the audit row are kept for a retry')
  t.match(metrics, /cds_store_rows_lost_total\{reason="buffer-full"\} 0\b/, 'nothing lost')
})

await t.test('rows beyond the retry buffer are dropped and counted', async (t) => {
  const { app, queue } = await buildApp({
    config: testConfig({ DATABASE_URL: 'sqlite::memory:' }), catalog: bundledCatalog(), clock: () => NOW, store: failingStore(), queue: { maxRows: 3, retryMinMs: 60_000 }
  })
  t.teardown(async () => { await app.close() })
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, hookInstance: `hi-${i}` } })).statusCode, 200)
  await queue.drain()
  t.equal(queue.depth, 3, 'the buffer holds its bound')
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /cds_store_rows_lost_total\{reason="buffer-full"\} 3\b/, 'three calls × (card + audit row) = 6 rows, 3 kept, 3 dropped and counted')
})

await t.test('429 and 503 answers write no audit row (metrics only)', async (t) => {
  const { app, store, queue } = await testApp(t, { config: { RATE_LIMIT_PER_SECOND: 0.001, RATE_LIMIT_BURST: 2 } })
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) statuses.push((await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, hookInstance: `hi-${i}` } })).statusCode)
  t.same(statuses, [200, 200, 429, 429])
  await queue.flush()
  t.same((await store.audits()).map((a) => a.status), [200, 200], 'the throttled calls left no audit row')
  const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
  t.match(metrics, /cds_hook_request_duration_seconds_count\{service="facet-pt-order-select",status="429"\} 2/, 'counted in the metrics')

  const { app: shedding, store: shedStore, queue: shedQueue } = await buildApp({
    config: testConfig({ DATABASE_URL: 'sqlite::memory:' }), catalog: bundledCatalog(), clock: () => NOW, overloadCheck: async () => false
  })
  t.teardown(async () => { await shedding.close() })
  t.equal((await shedding.inject({ method: 'POST', url: URL_, payload: ORDER_SELECT })).statusCode, 503)
  await shedQueue.flush()
  t.same(await shedStore.audits(), [], 'the shed call left no audit row')
})

await t.test('a NUL character in an id from the body is not stored (PostgreSQL would refuse the whole batch)', async (t) => {
  const { app, store, queue } = await testApp(t)
  t.equal((await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, hookInstance: 'hi-\u0000-nul' } })).statusCode, 200)
  await queue.flush()
  t.same((await store.audits()).map((a) => a.hookInstance), ['hi--nul'])
})

await t.test('closing the app (SIGTERM path) drains the queue: nothing is lost', async (t) => {
  const file = join(tempDir(t), 'cds.db')
  const { app } = await testApp(t, { config: { DATABASE_URL: `sqlite:${file}` } })
  const calls = 120
  await Promise.all(Array.from({ length: calls }, async (_, i) => await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, hookInstance: `hi-${i}` } })))
  await app.close()
  const reopened = await openStore(`sqlite:${file}`)
  t.teardown(async () => { await reopened.close() })
  const audits = await reopened.audits()
  t.equal(audits.length, calls, 'one audit row per call')
  t.equal(new Set(audits.map((a) => a.hookInstance)).size, calls)
  t.equal((await reopened.issuedCards()).length, calls, 'one card per call')
})
