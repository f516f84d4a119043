// Quick latency benchmark: the real server on loopback, sequential POSTs of the ~30 KB
// order-select fixture (and the patient-view fixture). Prints p50/p99/mean; not part of npm test.
// Run: npm run bench

import { readFileSync } from 'node:fs'
import { buildApp } from '../src/app.js'
import { testConfig } from '../src/config.js'
import { loadCatalog } from '../src/rules/catalog.js'

const started = performance.now()
const catalog = loadCatalog(new URL('../rules/', import.meta.url).pathname, new Date())
const loadMs = performance.now() - started
// No FHIR fallback: the fixtures' fhirServer is not reachable (absent keys stay unavailable).
const { app } = await buildApp({ config: testConfig(), catalog, fetcher: { fetch: async () => new Map() } })
const address = await app.listen({ host: '127.0.0.1', port: 0 })

async function measure (label: string, url: string, body: string, n: number): Promise<void> {
  const times: number[] = []
  for (let i = 0; i < n + 50; i++) {
    const t0 = performance.now()
    const res = await fetch(`${address}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    await res.arrayBuffer()
    if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`)
    if (i >= 50) times.push(performance.now() - t0) // first 50 are warm-up
  }
  times.sort((a, b) => a - b)
  const q = (p: number): string => (times[Math.min(times.length - 1, Math.floor(p * times.length))] as number).toFixed(2)
  const mean = times.reduce((a, b) => a + b, 0) / times.length
  console.log(`${label.padEnd(34)} ${String(body.length).padStart(7)} B  n=${n}  p50 ${q(0.5)} ms  p99 ${q(0.99)} ms  mean ${mean.toFixed(2)} ms`)
}

const orderSelect = JSON.stringify(JSON.parse(readFileSync(new URL('../fixtures/requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json', import.meta.url), 'utf8')))
const patientView = JSON.stringify(JSON.parse(readFileSync(new URL('../fixtures/requests/patient-view-rfa-30-days-no-pt.json', import.meta.url), 'utf8')))
console.log(`catalog load + compile: ${loadMs.toFixed(1)} ms (${catalog.content.rules.length} rules)`)
await measure('order-select (30 KB fixture)', '/cds-services/facet-pt-order-select', orderSelect, 1000)
await measure('patient-view fixture', '/cds-services/facet-pt-patient-view', patientView, 1000)
await app.close()
