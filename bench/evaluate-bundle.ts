// Latency of POST /evaluate on real Synthea transaction bundles (1.3–2 MB), the real server on
// loopback, sequential; with and without explain. Prints p50/p90; not part of npm test.
// Run: npx tsx bench/evaluate-bundle.ts   (needs ../shared/data beside the checkout)

import { existsSync, readFileSync } from 'node:fs'
import { buildApp } from '../src/app.js'
import { testConfig } from '../src/config.js'
import { loadCatalog } from '../src/rules/catalog.js'

const DATA = new URL('../../shared/data/synthea-r4-smart/', import.meta.url).pathname
const FILES = ['Harland_DuBuque_64e50922-047c-4b7a-9a9e-75c85ff2144f.json', 'Bradly_Douglas_18468941-bdaf-42a0-8648-cba7cafc27ce.json']
if (!existsSync(DATA)) {
  process.stdout.write(`skipped: ${DATA} is absent\n`)
} else {
  const catalog = loadCatalog(new URL('../rules/', import.meta.url).pathname, new Date())
  const { app } = await buildApp({ config: testConfig(), catalog })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  for (const file of FILES) {
    const body = readFileSync(`${DATA}${file}`, 'utf8')
    for (const query of ['', '?explain=true']) {
      const times: number[] = []
      for (let i = 0; i < 40; i++) {
        const t0 = performance.now()
        const res = await fetch(`${address}/evaluate${query}`, { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body })
        await res.arrayBuffer()
        if (res.status !== 200) throw new Error(`${file}: ${res.status}`)
        if (i >= 10) times.push(performance.now() - t0) // first 10 warm up
      }
      times.sort((a, b) => a - b)
      const at = (q: number): string => (times[Math.floor(q * (times.length - 1))] ?? 0).toFixed(1)
      process.stdout.write(`${file.split('_').slice(0, 2).join(' ')} (${(body.length / 1e6).toFixed(2)} MB) ${query === '' ? 'cards only ' : 'with explain'}: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms (${times.length} runs)\n`)
    }
  }
  await app.close()
}
