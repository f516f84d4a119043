// Store benchmark (not part of npm test): throughput of the batched write queue on a temp SQLite
// file (and PostgreSQL when TEST_POSTGRES_URL is set), the event-loop time of one 100-row SQLite
// batch, and the latency a hook call gains from auditing (real SQLite store vs a no-op store).
// Run: npx tsx bench/store.ts

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.js'
import { testConfig } from '../src/config.js'
import { loadCatalog } from '../src/rules/catalog.js'
import { openStore } from '../src/store/open.js'
import { WriteQueue } from '../src/store/queue.js'
import type { AuditRecord, IssuedCard, Store } from '../src/store/types.js'

const dir = mkdtempSync(join(tmpdir(), 'facet-pt-cds-bench-'))
const audit = (i: number): AuditRecord => ({
  id: `a-${i}`,
  at: new Date().toISOString(),
  service: 'facet-pt-order-select',
  hook: 'order-select',
  hookInstance: `d1577c69-dfbe-44ad-ba6d-${String(i).padStart(12, '0')}`,
  status: 200,
  durationMs: 3.21,
  catalogHash: 'f3a9c2d1e0b4',
  rulesFired: ['SAFE-01/a-low@1.0.0', 'SUIT-03/b@1.2.0'],
  cardUuids: [`c-${i}-1`, `c-${i}-2`]
})
const card = (i: number): IssuedCard => ({ cardUuid: `c-${i}`, ruleId: 'SAFE-01', variant: 'a-low', ruleVersion: '1.0.0', service: 'facet-pt-order-select', hookInstance: `hi-${i}`, issuedAt: new Date().toISOString() })

async function throughput (label: string, store: Store, rows: number): Promise<void> {
  const q = new WriteQueue(store, { batchSize: 100, intervalMs: 50, maxRows: rows * 2 })
  const t0 = performance.now()
  for (let i = 0; i < rows / 2; i++) { q.audit(audit(i)); q.cards([card(i)]) }
  const enqueueMs = performance.now() - t0
  await q.drain()
  const ms = performance.now() - t0
  console.log(`${label.padEnd(28)} ${rows} rows in ${ms.toFixed(0)} ms = ${Math.round(rows / (ms / 1000))} rows/s (enqueue ${((enqueueMs * 1000) / rows).toFixed(2)} µs/row)`)
}

const sqlite = await openStore(`sqlite:${join(dir, 'bench.db')}`)
await throughput('queue → SQLite (WAL, NORMAL)', sqlite, 100_000)
const batchTimes: number[] = []
for (let b = 0; b < 50; b++) {
  const t0 = performance.now()
  await sqlite.write({
    cards: Array.from({ length: 50 }, (_, i) => card(1e6 + b * 100 + i)),
    audits: Array.from({ length: 50 }, (_, i) => audit(1e6 + b * 100 + i)),
    feedback: []
  })
  batchTimes.push(performance.now() - t0)
}
batchTimes.sort((a, b) => a - b)
console.log(`SQLite 100-row batch (one transaction, blocks the loop): p50 ${batchTimes[25]?.toFixed(2)} ms, max ${batchTimes[49]?.toFixed(2)} ms`)
await sqlite.close()

const pgUrl = process.env.TEST_POSTGRES_URL
if (pgUrl !== undefined && pgUrl !== '') {
  const pg = await openStore(pgUrl)
  await throughput('queue → PostgreSQL', pg, 20_000)
  await pg.close()
} else console.log('PostgreSQL: skipped (TEST_POSTGRES_URL not set)')

// Added latency per hook call: the same app with a real SQLite file store and with a no-op store.
const catalog = loadCatalog(new URL('../rules/', import.meta.url).pathname, new Date())
const body = readFileSync(new URL('../fixtures/requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json', import.meta.url), 'utf8')
const noop: Store = {
  kind: 'sqlite',
  migrate: async () => {},
  write: async () => ({ unknownFeedback: 0 }),
  close: async () => {},
  probe: async () => {},
  rememberJti: async () => true,
  summary: async () => ({ since: null, service: null, rules: [], unknownCardFeedback: 0 }),
  timeseries: async (q) => ({ bucket: q.bucket, since: q.since, series: [] }),
  feedback: async () => [],
  audits: async () => [],
  issuedCards: async () => []
}
const withStore = await buildApp({ config: testConfig({ DATABASE_URL: `sqlite:${join(dir, 'latency.db')}` }), catalog })
const without = await buildApp({ config: testConfig(), catalog, store: noop })
const urls = [await withStore.app.listen({ host: '127.0.0.1', port: 0 }), await without.app.listen({ host: '127.0.0.1', port: 0 })]
const times: number[][] = [[], []]
const n = 2000
for (let i = 0; i < n + 100; i++) {
  for (const k of [0, 1]) {
    const t0 = performance.now()
    const res = await fetch(`${urls[k] as string}/cds-services/facet-pt-order-select`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    await res.arrayBuffer()
    if (i >= 100) times[k]?.push(performance.now() - t0)
  }
}
const stats = (xs: number[]): { p50: number, p99: number, mean: number } => {
  const s = [...xs].sort((a, b) => a - b)
  return {
    p50: s[Math.floor(s.length / 2)] as number,
    p99: s[Math.floor(s.length * 0.99)] as number,
    mean: s.reduce((a, b) => a + b, 0) / s.length
  }
}
const [a, b] = [stats(times[0] ?? []), stats(times[1] ?? [])]
console.log(`hook call, SQLite audit store: p50 ${a.p50.toFixed(3)} ms  p99 ${a.p99.toFixed(3)} ms  mean ${a.mean.toFixed(3)} ms (n=${n})`)
console.log(`hook call, no-op store:        p50 ${b.p50.toFixed(3)} ms  p99 ${b.p99.toFixed(3)} ms  mean ${b.mean.toFixed(3)} ms`)
console.log(`added latency per hook call: p50 ${(a.p50 - b.p50).toFixed(3)} ms, mean ${(a.mean - b.mean).toFixed(3)} ms`)
console.log(`audit rows written: ${(await (async () => { await withStore.queue.drain(); return (await withStore.store.audits()).length })())}`)
await withStore.app.close()
await without.app.close()
rmSync(dir, { recursive: true, force: true })
