// Soak: 60 s at ~80 % of measured capacity with a mix of services, a rules reload (a real
// parameter change) at 20 s and a slow FHIR server (fallback over its time budget) from 30 to
// 40 s. Reports failed requests, RSS trend and latency per 10 s window. Run: npm run soak
// (SOAK_SECONDS to change the length). Loopback only.

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { orderSelect30k, patientView } from './bodies.js'
import { rssMb, start as startService, stop } from './service-process.js'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60)
const PORT = 3911
const base = `http://127.0.0.1:${PORT}`
const dir = mkdtempSync(join(tmpdir(), 'soak-'))
cpSync(new URL('../rules/', import.meta.url), join(dir, 'rules'), { recursive: true })

// A FHIR server that answers after 600 ms (over FHIR_TIMEOUT_MS), counting its requests.
let slowHits = 0
const slow = createServer((_req, res) => { slowHits++; setTimeout(() => { res.writeHead(200, { 'content-type': 'application/fhir+json' }); res.end('{"resourceType":"Bundle","type":"searchset","entry":[]}') }, 600) })
await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
const slowUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}/fhir`

const { child } = await startService(['dist/main.js'],
  { PORT: String(PORT), LOG_LEVEL: 'warn', RULES_DIR: join(dir, 'rules'), DATABASE_URL: `sqlite:${join(dir, 'soak.db')}`, RATE_LIMIT_PER_SECOND: '100000000' }, PORT)
const rss = (): number => rssMb(child.pid)
const headers = { 'content-type': 'application/json' }
const mix = [
  { method: 'POST' as const, path: '/cds-services/facet-pt-order-select', headers, body: orderSelect30k() },
  { method: 'POST' as const, path: '/cds-services/facet-pt-patient-view', headers, body: patientView() },
  { method: 'GET' as const, path: '/cds-services' }
]

// Capacity counts only answered (2xx) calls: a shed 503 is cheap and would inflate it.
const capacity = await autocannon({ url: base, connections: 10, duration: 5, requests: mix })
const served = capacity['2xx'] / 5
const rate = Math.max(1, Math.round(served * 0.8))
console.log(`capacity (mix, c=10): ${Math.round(served)} answered req/s (${capacity.non2xx} shed) → soak at ${rate} req/s for ${SECONDS} s`)

// Let the event loop settle: right after a saturating run, overload shedding is still on.
await new Promise((resolve) => setTimeout(resolve, 3000))
const start = Date.now()
const windows = new Map<number, number[]>()
const memory: Array<[number, number]> = []
const memTimer = setInterval(() => { memory.push([(Date.now() - start) / 1000, rss()]) }, 2000)
const events: string[] = []
let failedReloads = 0
const reloadAt = setTimeout(async () => {
  const p = join(dir, 'rules', 'parameters.json')
  const params = JSON.parse(readFileSync(p, 'utf8'))
  // A content change that keeps every case passing (a changed threshold would rightly be refused).
  params.parameters.PAIN_SCORE_LOOKBACK_DAYS.description += ' (soak reload)'
  writeFileSync(p, JSON.stringify(params, null, 2))
  const res = await fetch(`${base}/rules/reload`, { method: 'POST' })
  const report = await res.json() as { swapped?: boolean, hash?: string }
  if (!res.ok) failedReloads++
  events.push(`t=${Math.round((Date.now() - start) / 1000)} s reload → HTTP ${res.status}, swapped ${String(report.swapped)}`)
}, Math.min(20, SECONDS / 3) * 1000)
let slowRun: Promise<autocannon.Result> | undefined
const slowAt = setTimeout(() => {
  const body = JSON.parse(orderSelect30k()) as Record<string, any>
  delete body.prefetch.observations
  body.fhirServer = slowUrl
  events.push(`t=${Math.round((Date.now() - start) / 1000)} s slow FHIR server on (observations fetched from a 600 ms server)`)
  slowRun = autocannon({ url: `${base}/cds-services/facet-pt-order-select`, method: 'POST', headers, body: JSON.stringify(body), connections: 4, overallRate: 8, duration: Math.min(10, SECONDS / 6) })
}, Math.min(30, SECONDS / 2) * 1000)

const main = autocannon({ url: base, connections: 20, overallRate: rate, duration: SECONDS, requests: mix })
main.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
  const w = Math.floor((Date.now() - start) / 10_000)
  const list = windows.get(w) ?? []
  list.push(responseTime)
  windows.set(w, list)
})
const result = await main
const slowResult = slowRun === undefined ? undefined : await slowRun
clearInterval(memTimer); clearTimeout(reloadAt); clearTimeout(slowAt)

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0
}
console.log(`status codes: ${JSON.stringify((result as unknown as { statusCodeStats?: unknown }).statusCodeStats)}`)
console.log(`main: ${result.requests.total} requests, ${Math.round(result.requests.average)} req/s, errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`)
if (slowResult !== undefined) console.log(`slow-FHIR calls: ${slowResult.requests.total}, non-2xx ${slowResult.non2xx}, errors ${slowResult.errors}, p50 ${slowResult.latency.p50} ms, p99 ${slowResult.latency.p99} ms (FHIR server hits ${slowHits})`)
for (const e of events) console.log(e)
for (const [w, xs] of [...windows].sort((a, b) => a[0] - b[0])) console.log(`  ${w * 10}-${w * 10 + 10} s: ${xs.length} responses, p50 ${pct(xs, 0.5).toFixed(1)} ms, p99 ${pct(xs, 0.99).toFixed(1)} ms`)
// Least-squares slope of RSS over the second half (after warm-up), in MB per minute.
const half = memory.slice(Math.floor(memory.length / 2))
const mx = half.reduce((a, [x]) => a + x, 0) / Math.max(1, half.length)
const my = half.reduce((a, [, y]) => a + y, 0) / Math.max(1, half.length)
const sxy = half.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0)
const sxx = half.reduce((a, [x]) => a + (x - mx) ** 2, 0)
const slope = sxx === 0 ? 0 : sxy / sxx * 60
console.log(`RSS MB: ${memory.map(([, m]) => m).join(' ')} · second-half trend ${slope.toFixed(1)} MB/min`)
await stop(child)
slow.close()
const failed = result.errors + result.timeouts + result.non2xx + failedReloads +
  (slowResult === undefined ? 0 : slowResult.errors + slowResult.non2xx)
console.log(failed === 0 ? 'soak: zero failed requests' : `soak: ${failed} failed requests`)
process.exitCode = failed === 0 ? 0 : 1
