// Sequential latency: the built service in its own process (as `npm start` runs it), one client
// posting the ~30 KB order-select fixture and the patient-view fixture one after another over
// loopback. Prints p50/p99/mean; not part of npm test. Run: npm run bench:latency

import { readFileSync } from 'node:fs'
import { freshBenchDatabase } from './bench-db.js'
import { start, stop } from './service-process.js'

const PORT = 3903
const base = `http://127.0.0.1:${PORT}`
const db = freshBenchDatabase()
// One sequential client sends ~2,100 calls: the per-client rate limit is lifted, as in bench/run.ts.
const { child } = await start(['dist/main.js'], { PORT: String(PORT), LOG_LEVEL: 'info', RATE_LIMIT_PER_SECOND: '100000000', DATABASE_URL: db.url }, PORT)
try {
  async function measure (label: string, url: string, body: string, n: number): Promise<void> {
    const times: number[] = []
    for (let i = 0; i < n + 50; i++) {
      const t0 = performance.now()
      const res = await fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      await res.arrayBuffer()
      if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`)
      if (i >= 50) times.push(performance.now() - t0) // first 50 are warm-up
    }
    times.sort((a, b) => a - b)
    const q = (p: number): string =>
      (times[Math.min(times.length - 1, Math.floor(p * times.length))] as number).toFixed(2)
    const mean = times.reduce((a, b) => a + b, 0) / times.length
    console.log(`${label.padEnd(34)} ${String(body.length).padStart(7)} B  n=${n}  p50 ${q(0.5)} ms  p99 ${q(0.99)} ms  mean ${mean.toFixed(2)} ms`)
  }

  const fixture = (name: string): string => JSON.stringify(JSON.parse(readFileSync(new URL(`../fixtures/requests/${name}`, import.meta.url), 'utf8')))
  await measure('order-select (30 KB fixture)', '/cds-services/facet-pt-order-select', fixture('order-select-lumbar-diagnostic-mbb-on-apixaban.json'), 1000)
  await measure('patient-view fixture', '/cds-services/facet-pt-patient-view', fixture('patient-view-rfa-30-days-no-pt.json'), 1000)
} finally {
  await stop(child)
  db.remove()
}
