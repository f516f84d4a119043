import { readFileSync } from 'node:fs'
import t from 'tap'
import type { FhirFetcher } from '../../src/fhir/fetcher.js'
import { Metrics } from '../../src/metrics.js'
import { FIXTURES, testApp } from '../helper.js'

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const URL_ = '/cds-services/facet-pt-order-select'

const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

await t.test('GET /metrics: hook latency, cards, prefetch, feedback, store', async (t) => {
  const { app } = await testApp(t)
  const body = structuredClone(ORDER_SELECT)
  body.prefetch.procedures = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] }
  delete body.prefetch.appointments
  delete body.prefetch.medicationStatements
  delete body.fhirServer
  const hook = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.equal(hook.statusCode, 200)
  const card = (hook.json() as { cards: Array<Record<string, any>> }).cards.find((c) => c.source.topic?.code !== 'DATA-UNAVAILABLE')
  await app.inject({ method: 'POST', url: '/cds-services/nope', payload: ORDER_SELECT })
  await app.inject({ method: 'POST', url: `${URL_}/feedback`, payload: { feedback: [{ card: card?.uuid, outcome: 'overridden', outcomeTimestamp: '2026-11-29T10:00:00Z' }, { card: 'x', outcome: 'overridden', outcomeTimestamp: '2026-11-29T10:00:00Z' }] } })
  await app.inject({ method: 'GET', url: '/feedback/summary' })

  const res = await app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/plain; version=0\.0\.4/)
  const text = res.body
  t.equal(value(text, 'cds_hook_request_duration_seconds_count{service="facet-pt-order-select",status="200"}'), 1, 'latency histogram per service')
  t.equal(value(text, 'cds_hook_request_duration_seconds_count{service="unknown",status="404"}'), 1, 'unknown ids share one label (bounded cardinality)')
  t.notMatch(text, /service="nope"/)
  t.equal(value(text, `cds_cards_total{rule="${String(card?.source.topic.code)}",indicator="${String(card?.indicator)}"}`), 1, 'cards by rule and indicator')
  t.equal(value(text, 'cds_prefetch_keys_total{service="facet-pt-order-select",key="patient",state="supplied"}'), 1, 'supplied = hit')
  t.equal(value(text, 'cds_prefetch_keys_total{service="facet-pt-order-select",key="procedures",state="unavailable"}'), 1, 'EHR error = unavailable')
  t.equal(value(text, 'cds_prefetch_keys_total{service="facet-pt-order-select",key="medicationStatements",state="unavailable"}'), 1, 'absent, not fetchable = unavailable')
  t.equal(value(text, 'cds_feedback_total{outcome="overridden"}'), 2)
  t.equal(value(text, 'cds_feedback_unknown_card_total'), 1)
  t.equal(value(text, 'cds_store_queue_depth'), 0)
  t.equal(value(text, 'cds_store_write_errors_total'), 0)
  t.ok((value(text, 'cds_store_rows_written_total') ?? 0) >= 4, 'audit rows, cards and feedback written')
  t.match(text, /process_cpu_user_seconds_total/, 'process metrics')
  t.notOk(text.includes(String(ORDER_SELECT.context.patientId)), 'no patient data in metrics')
})

await t.test('each app has its own registry', async (t) => {
  const a = await testApp(t)
  const b = await testApp(t)
  await a.app.inject({ method: 'POST', url: URL_, payload: ORDER_SELECT })
  const textB = (await b.app.inject({ method: 'GET', url: '/metrics' })).body
  t.equal(value(textB, 'cds_hook_request_duration_seconds_count{service="facet-pt-order-select",status="200"}'), undefined, 'b saw no calls')
})

await t.test('FHIR fallback: the injected fetcher is timed; the FHIR client API counts requests', async (t) => {
  const fetcher: FhirFetcher = {
    fetch: async ({ queries }) => new Map(queries.map((q) => [q.key, q.key === 'appointments' ? new Error('timeout') : { resourceType: 'Bundle', type: 'searchset', entry: [] }]))
  }
  const metrics = new Metrics({ defaultMetrics: false })
  const { app } = await testApp(t, { fetcher, metrics })
  const body = structuredClone(ORDER_SELECT)
  delete body.prefetch.appointments
  delete body.prefetch.medicationStatements
  t.equal((await app.inject({ method: 'POST', url: URL_, payload: body })).statusCode, 200)
  metrics.fhirFetch(120, true)
  metrics.fhirFetch(300, false)
  const text = await metrics.text()
  t.equal(value(text, 'cds_fhir_fallback_duration_seconds_count{result="error"}'), 1, 'a key failed: fallback counted as error')
  t.equal(value(text, 'cds_fhir_fallback_errors_total'), 1)
  t.equal(value(text, 'cds_prefetch_keys_total{service="facet-pt-order-select",key="medicationStatements",state="absent"}'), 1, 'absent and fetched = miss')
  t.equal(value(text, 'cds_prefetch_keys_total{service="facet-pt-order-select",key="appointments",state="unavailable"}'), 1)
  t.equal(value(text, 'cds_fhir_request_duration_seconds_count{result="ok"}'), 1)
  t.equal(value(text, 'cds_fhir_request_duration_seconds_bucket{le="0.25",result="ok"}'), 1, 'milliseconds are recorded as seconds')
  t.equal(value(text, 'cds_fhir_request_errors_total'), 1)
  t.equal(value(text, 'process_cpu_user_seconds_total'), undefined, 'default metrics can be turned off')
})
