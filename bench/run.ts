// Benchmarks against the real server on loopback with autocannon, next to a bare Fastify server
// that only parses the JSON (the practical ceiling). Prints req/s, p50, p99 and the ratio to the
// ceiling; writes bench/results/latest.json. Run: npm run bench (BENCH_SECONDS=10 for longer runs).

import { mkdirSync, writeFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { orderSelect300k, orderSelect30k, patientView } from './bodies.js'
import { freshBenchDatabase } from './bench-db.js'
import { rssMb, start, stop } from './service-process.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const SERVICE_PORT = 3901
const CEILING_PORT = 3902

interface Row {
  case: string
  connections: number
  server: string
  reqPerSec: number
  p50: number
  p99: number
  errors: number
  non2xx: number
}

async function load (port: number, path: string, body: string | undefined, connections: number): Promise<Omit<Row, 'case' | 'server' | 'connections'>> {
  const r = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body }),
    connections,
    duration: SECONDS
  })
  return {
    reqPerSec: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx
  }
}

// One load generator = one client: the per-client rate limit and overload shedding would turn
// the measurement into a measurement of those guards, so they are lifted for the benchmark only.
const db = freshBenchDatabase()
const SERVICE_ENV = { PORT: String(SERVICE_PORT), LOG_LEVEL: 'info', RATE_LIMIT_PER_SECOND: '100000000', OVERLOAD_MAX_DELAY_MS: '0', DATABASE_URL: db.url }
console.log(`service settings: ${JSON.stringify(SERVICE_ENV)}; ${SECONDS} s per run`)
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

// Cold start (spawn → first hook answer) and catalog load + compile (as the service logs it):
// the median of three fresh processes — single figures swing by ±150 ms on a shared 2-core VM.
const colds: number[] = []
const loads: number[] = []
let rules = 0
let service: Awaited<ReturnType<typeof start>> | undefined
for (let i = 0; i < 3; i++) {
  if (service !== undefined) await stop(service.child)
  service = await start(['dist/main.js'], SERVICE_ENV, SERVICE_PORT)
  const firstHook = performance.now()
  await fetch(`http://127.0.0.1:${SERVICE_PORT}/cds-services/facet-pt-order-select`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: orderSelect30k() })
  colds.push(Math.round(service.ms + performance.now() - firstHook))
  const ready = await service.ready
  loads.push(Number(ready.catalogLoadMs))
  rules = Number(ready.rules)
}
if (service === undefined) throw new Error('service did not start')
const coldStartMs = median(colds)
const catalogMs = median(loads)
console.log(`cold start to first answer ${colds.join(' / ')} ms · catalog load + compile ${loads.join(' / ')} ms`)
const ceiling = await start(['bench/ceiling-server.mjs', String(CEILING_PORT)], {}, CEILING_PORT)

const cases: Array<[string, string, string | undefined]> = [
  ['order-select ~30 KB', '/cds-services/facet-pt-order-select', orderSelect30k()],
  ['order-select ~300 KB', '/cds-services/facet-pt-order-select', orderSelect300k()],
  ['patient-view', '/cds-services/facet-pt-patient-view', patientView()],
  ['discovery', '/cds-services', undefined]
]
const rows: Row[] = []
try {
  for (const [name, path, body] of cases) {
    for (const connections of [1, 10]) {
      for (const [server, port] of [['service', SERVICE_PORT], ['ceiling', CEILING_PORT]] as const) {
        await load(port, path, body, 1) // brief warm-up happens inside the first second; keep runs comparable
        const r = await load(port, path, body, connections)
        rows.push({ case: `${name}${body === undefined ? '' : ` (${Math.round(body.length / 1024)} KB)`}`, connections, server, ...r })
      }
      const s = rows.at(-2) as Row
      const c = rows.at(-1) as Row
      console.log(`${s.case.padEnd(30)} c=${String(connections).padStart(2)}  service ${String(s.reqPerSec).padStart(6)} req/s p50 ${s.p50} ms p99 ${s.p99} ms | ceiling ${String(c.reqPerSec).padStart(6)} req/s p50 ${c.p50} ms p99 ${c.p99} ms | ratio ${(s.reqPerSec / c.reqPerSec * 100).toFixed(0)}% | errors ${s.errors + s.non2xx}`)
    }
  }
} finally {
  const rss = rssMb(service?.child.pid)
  // The bare server's RSS after the same runs: what V8 and Fastify alone keep after this load.
  const ceilingRss = rssMb(ceiling.child.pid)
  await Promise.all([service === undefined ? undefined : stop(service.child), stop(ceiling.child)])
  const summary = {
    date: new Date().toISOString(),
    seconds: SECONDS,
    node: process.version,
    catalogLoadCompileMs: catalogMs,
    rules,
    coldStartToFirstAnswerMs: coldStartMs,
    serviceRssMbAfter: rss,
    ceilingRssMbAfter: ceilingRss,
    rows
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(summary, null, 2)}\n`)
  console.log(`catalog load + compile ${catalogMs} ms (${rules} rules) · cold start to first answer ${coldStartMs} ms · service RSS after runs ${rss} MB (bare ceiling server ${ceilingRss} MB)`)
  console.log('written: bench/results/latest.json')
  db.remove()
}
