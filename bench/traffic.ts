// Real EHR traffic against the built service WITH ITS DEFAULT SETTINGS (no limit lifted):
// 1. closed-loop clients at c=1 and c=10 (every call must be a 200: no shedding, no 429);
// 2. the largest accepted POST /rules/validate while hook calls run at a steady rate (their p99, 503s);
// 3. hostile shapes: 5 MB of "[" (time to the 400), 20 concurrent bodies at the size limit (peak RSS).
// Run: npm run bench:traffic (BENCH_SECONDS=10 by default). Writes bench/results/traffic.json.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { freshBenchDatabase } from './bench-db.js'
import { orderSelect30k } from './bodies.js'
import { rssMb, start, stop } from './service-process.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const PORT = 3911
const BASE = `http://127.0.0.1:${PORT}`
const HOOK = '/cds-services/facet-pt-order-select'
const db = freshBenchDatabase()
const service = await start(['dist/main.js'], { PORT: String(PORT), LOG_LEVEL: 'warn', DATABASE_URL: db.url }, PORT)
const pid = service.child.pid
const results: Record<string, unknown> = {}
const body = orderSelect30k()

async function closedLoop (connections: number): Promise<Record<string, number>> {
  const r = await autocannon({ url: `${BASE}${HOOK}`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: SECONDS })
  return { connections, calls: r.requests.total, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors + r.timeouts, reqPerSec: Math.round(r.requests.average), p99: r.latency.p99 }
}

console.log(`default settings, ${SECONDS} s per closed-loop run (31 KB order-select)`)
for (const c of [1, 10]) {
  const row = await closedLoop(c)
  results[`closedLoop_c${c}`] = row
  console.log(`c=${c}: ${row.calls} calls, ${row.ok} × 200, ${row.non2xx} non-2xx, ${row.errors} errors; ${row.reqPerSec} req/s, p99 ${row.p99} ms`)
}

// The largest validate the defaults accept: SUIT-01 with its cases repeated up to the 2,000-case cap (within the 4
// MiB body cap).
const rule = JSON.parse(readFileSync(new URL('../rules/suitability/SUIT-01.rule.json', import.meta.url), 'utf8')) as Record<string, unknown>
const cases = JSON.parse(readFileSync(new URL('../rules/suitability/SUIT-01.cases.json', import.meta.url), 'utf8')) as { cases: unknown[] }
const many: unknown[] = []
let size = JSON.stringify({ rule, cases: { ...cases, cases: [] } }).length
for (let i = 0; many.length < 2000; i++) {
  const c = { ...(cases.cases[i % cases.cases.length] as Record<string, unknown>), name: `case ${i}` }
  size += JSON.stringify(c).length + 1
  if (size > 4_100_000) break
  many.push(c)
}
const validateBody = JSON.stringify({ rule, cases: { ...cases, cases: many } })
const hookLoad = autocannon({ url: `${BASE}${HOOK}`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections: 4, overallRate: 100, duration: SECONDS })
await new Promise((resolve) => setTimeout(resolve, 1000))
const v0 = performance.now()
const validated = await fetch(`${BASE}/rules/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: validateBody })
const validateMs = Math.round(performance.now() - v0)
const report = await validated.json() as { cases?: { passed: number } }
const during = await hookLoad
results.validateUnderLoad = {
  validateStatus: validated.status,
  validateBytes: validateBody.length,
  validateCases: many.length,
  casesPassed: report.cases?.passed,
  validateMs,
  hookCalls: during.requests.total,
  hook200: during['2xx'],
  hookNon2xx: during.non2xx,
  hookP99: during.latency.p99,
  hookMax: during.latency.max
}
console.log(`validate ${many.length} cases (${Math.round(validateBody.length / 1024)} KB): ${validated.status} in ${validateMs} ms; ` +
  `hook calls at 100/s meanwhile: ${during.requests.total} calls, ${during.non2xx} non-2xx, p99 ${during.latency.p99} ms, max ${during.latency.max} ms`)

// Hostile shapes.
const d0 = performance.now()
const deep = await fetch(`${BASE}${HOOK}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '['.repeat(5_000_000) })
const deepMs = Math.round(performance.now() - d0)
console.log(`5 MB of "[": ${deep.status} in ${deepMs} ms (upload on loopback included)`)
const padded = JSON.parse(body) as Record<string, unknown>
padded.extension = { 'org.example.padding': 'x'.repeat(5_242_880 - body.length - 100) }
const big = JSON.stringify(padded)
let peak = rssMb(pid)
const before = peak
const sampler = setInterval(() => { peak = Math.max(peak, rssMb(pid)) }, 25)
const bigAnswers = await Promise.all(Array.from({ length: 20 }, async () => (await fetch(`${BASE}${HOOK}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big })).status))
clearInterval(sampler)
const after = await fetch(`${BASE}/cds-services`)
const statusCounts: Record<string, number> = {}
for (const s of bigAnswers) statusCounts[s] = (statusCounts[s] ?? 0) + 1
results.hostile = {
  deepStatus: deep.status,
  deepMs,
  bigBodies: 20,
  bigBodyBytes: big.length,
  bigStatuses: statusCounts,
  rssBeforeMb: before,
  rssPeakMb: peak,
  answeringAfter: after.status
}
console.log(`20 concurrent ${(big.length / 1048576).toFixed(1)} MB bodies: statuses ${JSON.stringify(statusCounts)}; RSS ${before} → peak ${peak} MB; discovery after: ${after.status}`)

await stop(service.child)
db.remove()
mkdirSync(new URL('results/', import.meta.url), { recursive: true })
writeFileSync(new URL('results/traffic.json', import.meta.url), `${JSON.stringify({ at: new Date().toISOString(), seconds: SECONDS, ...results }, null, 2)}\n`)
