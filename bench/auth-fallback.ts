// Prints what authentication and the FHIR fallback cost: JWT verification per token (ES384, RS384,
// JWKS cached, replay cache on) and a hook call whose whole prefetch comes from a loopback mock
// FHIR server. Not part of npm test. Run: npx tsx bench/auth-fallback.ts

import { readFileSync } from 'node:fs'
import { parseTrustedIssuers } from '../src/auth/trusted-issuers.js'
import { createJwtVerifier } from '../src/auth/verify-jwt.js'
import { createFhirClient } from '../src/fhir/fhir-client.js'
import { buildApp } from '../src/app.js'
import { testConfig } from '../src/config.js'
import { loadCatalog } from '../src/rules/catalog.js'
import { signToken, startIssuer } from '../test/mocks/jwks-server.js'
import { hugeBundle, json, searchset, stallMidBody, startMockFhirServer, type Handler } from '../test/mocks/fhir-server.js'

const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] as number
const fmt = (xs: number[]): string => `p50 ${pct(xs, 0.5).toFixed(3)} ms, p99 ${pct(xs, 0.99).toFixed(3)} ms, mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(3)} ms`

const issuer = await startIssuer('https://ehr.bench')
const now = new Date()
const verifier = createJwtVerifier({ issuers: parseTrustedIssuers(JSON.stringify({ [issuer.iss]: issuer.jwksUrl })), publicBaseUrl: 'https://cds.bench', clock: () => new Date() })
for (const alg of ['ES384', 'RS384'] as const) {
  const n = 1000
  const tokens = await Promise.all(Array.from({ length: n + 20 }, async () => await signToken(issuer, now, { alg, aud: 'https://cds.bench/cds-services' })))
  const times: number[] = []
  for (const [i, token] of tokens.entries()) {
    const t0 = performance.now()
    await verifier.verify(`Bearer ${token}`, '/cds-services')
    if (i >= 20) times.push(performance.now() - t0)
  }
  console.log(`JWT verify ${alg} (${n} distinct tokens, JWKS cached): ${fmt(times)}`)
}
console.log(`JWKS fetches: ${issuer.hits.get('/jwks.json') ?? 0}`)
await issuer.close()

const body = JSON.parse(readFileSync(new URL('../fixtures/requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json', import.meta.url), 'utf8')) as Record<string, any>
const fhir = await startMockFhirServer()
const p = body.prefetch
fhir.routes.set(`Patient/${String(body.context.patientId)}`, json(p.patient))
fhir.routes.set('Procedure', json(p.procedures))
fhir.routes.set('Condition', json(p.conditions))
const obs = (p.observations.entry as Array<{ resource: unknown }>).map((e) => e.resource)
fhir.routes.set('Observation', json(searchset(obs.slice(0, 20), `${fhir.base}/Observation?page=2`)))
fhir.routes.set('Observation?page=2', json(searchset(obs.slice(20))))
fhir.routes.set('MedicationRequest', json(p.medications))
fhir.routes.set('ServiceRequest', json(p.serviceRequests))
for (const type of ['MedicationStatement', 'Appointment', 'CarePlan']) fhir.routes.set(type, json(searchset([])))

const client = createFhirClient({ timeoutMs: 250, budgetMs: 400 })
const keys = ['patient', 'procedures', 'conditions', 'observations', 'medications', 'medicationStatements', 'serviceRequests', 'appointments']
const fetchTimes: number[] = []
for (let i = 0; i < 220; i++) {
  const t0 = performance.now()
  await client.fetch({ fhirServer: fhir.base, authorization: undefined, queries: keys.map((k) => ({ key: k, url: k === 'patient' ? `Patient/${String(body.context.patientId)}` : `${{ procedures: 'Procedure', conditions: 'Condition', observations: 'Observation', medications: 'MedicationRequest', medicationStatements: 'MedicationStatement', serviceRequests: 'ServiceRequest', appointments: 'Appointment' }[k] as string}?patient=x` })) })
  if (i >= 20) fetchTimes.push(performance.now() - t0)
}
console.log(`FHIR fallback fetch only (8 queries in parallel, observations in 2 pages, loopback): ${fmt(fetchTimes)}`)
await client.close()

// Issue 11: paging that follows the data, and bodies bounded by the byte cap and the deadline
// (defaults: FHIR_TIMEOUT_MS 250, REQUEST_BUDGET_MS 400, FHIR_MAX_RESPONSE_BYTES 4 MiB).
const twelve = obs.slice(0, 12)
const byTwo: Handler = (res, url) => {
  const n = Number(url.searchParams.get('page') ?? '1')
  json(searchset(twelve.slice(2 * n - 2, 2 * n), n < 6 ? `${fhir.base}/ByTwo?page=${n + 1}` : undefined))(res, url)
}
fhir.routes.set('ByTwo', byTwo)
fhir.routes.set('Huge', hugeBundle(50 * 1024 * 1024, { bytes: 0 }))
fhir.routes.set('Stall', stallMidBody)
const bounded = createFhirClient({ timeoutMs: 250, budgetMs: 400 })
for (const [label, url, runs] of [['12 Observations, 2 a page (6 pages)', 'ByTwo?page=1', 200], ['a 50 MB response (cut at 4 MiB)', 'Huge', 20], ['a body that stalls after its headers (ended at the 250 ms request bound)', 'Stall', 5]] as const) {
  const times: number[] = []
  let outcome = ''
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const out = await bounded.fetch({ fhirServer: fhir.base, authorization: undefined, queries: [{ key: 'k', url }] })
    times.push(performance.now() - t0)
    const v = out.get('k')
    outcome = v instanceof Error ? v.message : `${(v as { entry?: unknown[] }).entry?.length ?? 0} resources`
  }
  console.log(`FHIR fetch, ${label}: ${fmt(times)} → ${outcome}`)
}
await bounded.close()

const catalog = loadCatalog(new URL('../rules/', import.meta.url).pathname, new Date())
const { app } = await buildApp({ config: testConfig({ FHIR_TIMEOUT_MS: 250, REQUEST_BUDGET_MS: 400 }), catalog })
const address = await app.listen({ host: '127.0.0.1', port: 0 })
const measure = async (label: string, payload: unknown): Promise<void> => {
  const text = JSON.stringify(payload)
  const times: number[] = []
  for (let i = 0; i < 220; i++) {
    const t0 = performance.now()
    const res = await fetch(`${address}/cds-services/facet-pt-order-select`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text })
    const out = await res.json() as { cards?: unknown[] }
    if (res.status !== 200 || out.cards === undefined) throw new Error(`status ${res.status}`)
    if (i >= 20) times.push(performance.now() - t0)
  }
  console.log(`${label}: ${fmt(times)}`)
}
await measure('hook call, fixture prefetch (6 keys; the 2 absent keys fetched)', { ...body, fhirServer: fhir.base })
const { prefetch: _p, ...noPrefetch } = body
await measure('hook call, no prefetch (all 8 keys fetched from the mock FHIR server)', { ...noPrefetch, fhirServer: fhir.base })
await app.close()
await fhir.close()
