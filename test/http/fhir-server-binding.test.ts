// Issue 11 point 4: the fhirServer a hook call names is bound to the caller (its verified JWT
// issuer's configured base URLs, or FHIR_SERVER_ALLOW with AUTH_MODE=off). A refused one is a 400
// naming fhirServer, and no request leaves the service.

import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { type Config, testConfig } from '../../src/config.js'
import { FIXTURES, LogSink, NOW, bundledCatalog } from '../helper.js'
import { signToken, startIssuer } from '../mocks/jwks-server.js'
import { json, searchset, startMockFhirServer } from '../mocks/fhir-server.js'

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const PATH = '/cds-services/facet-pt-order-select'
const BASE = 'https://cds.test'
const TOKEN = 'fhir-token-SECRET-555'
const AUTH = { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cds' }

const fhir = await startMockFhirServer()
fhir.routes.set('Observation', json(searchset([])))
const bound = await startIssuer('https://ehr.test')
const plain = await startIssuer('https://plain-ehr.test')
t.teardown(async () => { await fhir.close(); await bound.close(); await plain.close() })
const port = new URL(fhir.origin).port

/** The app as deployed: FHIR client built from the config, policy from the config. */
async function app (t: Test, config: Partial<Config>, logs?: LogSink): Promise<FastifyInstance> {
  const built = await buildApp({
    config: testConfig({ DATABASE_URL: 'sqlite::memory:', PUBLIC_BASE_URL: BASE, FHIR_TIMEOUT_MS: 2000, REQUEST_BUDGET_MS: 5000, ...(logs === undefined ? {} : { LOG_LEVEL: 'info' }), ...config }),
    catalog: bundledCatalog(),
    clock: () => NOW,
    ...(logs === undefined ? {} : { logStream: logs })
  })
  t.teardown(async () => { await built.app.close() })
  return built.app
}

/** The fixture with observations absent (so they are fetched) and the given fhirServer. */
function body (fhirServer: string | undefined): Record<string, any> {
  const b: Record<string, any> = { ...structuredClone(ORDER_SELECT), fhirAuthorization: AUTH }
  delete b.prefetch.observations
  if (fhirServer === undefined) { delete b.fhirServer; delete b.fhirAuthorization } else b.fhirServer = fhirServer
  return b
}

function refusedWithoutRequest (t: Test, res: { statusCode: number, json: () => any }, label: string): void {
  t.equal(res.statusCode, 400, `${label}: 400`)
  const outcome = res.json()
  t.equal(outcome.resourceType, 'OperationOutcome')
  t.same(outcome.issue[0].expression, ['fhirServer'], `${label}: the issue names fhirServer`)
  t.equal(outcome.issue[0].code, 'invalid')
  t.equal(fhir.requests.length, 0, `${label}: the FHIR server received nothing`)
}

await t.test('AUTH_MODE=jwt: only the base URLs listed for the caller\'s issuer', async (t) => {
  const cds = await app(t, {
    AUTH_MODE: 'jwt',
    TRUSTED_ISSUERS: JSON.stringify({
      [bound.iss]: { jwks: bound.jwksUrl, fhirServers: [fhir.base, 'https://ehr.example.org/fhir/r4'] },
      [plain.iss]: plain.jwksUrl
    })
  })
  const call = async (issuer: typeof bound, payload: Record<string, any>) => await cds.inject({
    method: 'POST', url: PATH, payload, headers: { authorization: `Bearer ${await signToken(issuer, NOW, { aud: `${BASE}${PATH}` })}` }
  })

  for (const variant of [fhir.base, `${fhir.base}/`, `${fhir.base}//`, `http://127.0.0.1:${port}/fhir`]) {
    fhir.requests.length = 0
    const ok = await call(bound, body(variant))
    t.equal(ok.statusCode, 200, `listed server accepted (${variant.replace(fhir.origin, '<mock>')})`)
    t.ok(fhir.requests.length > 0 && fhir.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`), 'and the fallback went there with the token')
  }

  const refused: Record<string, string> = {
    'unlisted https host': 'https://evil.example.org/fhir',
    'listed https server asked over http': 'http://ehr.example.org/fhir/r4',
    'listed server, another path': 'https://ehr.example.org/fhir/r4/admin',
    'loopback not listed (another path on the mock)': `${fhir.origin}/other-fhir`,
    'loopback not listed (the mock as localhost)': `http://localhost:${port}/fhir`,
    'loopback not listed (the mock over https)': `https://127.0.0.1:${port}/fhir`,
    'metadata address': 'http://169.254.169.254/latest',
    'credentials in the URL': fhir.base.replace('http://', 'http://user:pw@'),
    'a query on the base': `${fhir.base}?x=1`
  }
  for (const [label, url] of Object.entries(refused)) {
    fhir.requests.length = 0
    refusedWithoutRequest(t, await call(bound, body(url)), label)
  }

  fhir.requests.length = 0
  refusedWithoutRequest(t, await call(plain, body(fhir.base)), 'string-form issuer (no fhirServers) naming a fhirServer')
  t.match((await call(plain, body(fhir.base))).json().issue[0].diagnostics, /no FHIR server is configured for this client's issuer/)
  const noServer = await call(plain, body(undefined))
  t.equal(noServer.statusCode, 200, 'a string-form issuer still calls with prefetch and no fhirServer')
})

await t.test('AUTH_MODE=off with FHIR_SERVER_ALLOW: listed servers only', async (t) => {
  const cds = await app(t, { AUTH_MODE: 'off', FHIR_SERVER_ALLOW: `https://ehr.example.org/fhir/r4, ${fhir.base}/` })
  fhir.requests.length = 0
  const ok = await cds.inject({ method: 'POST', url: PATH, payload: body(fhir.base) })
  t.equal(ok.statusCode, 200)
  t.ok(fhir.requests.length > 0, 'the listed server was called')
  for (const [label, url] of Object.entries({ unlisted: 'https://evil.example.org/fhir', 'loopback not listed': `${fhir.origin}/other-fhir` })) {
    fhir.requests.length = 0
    const res = await cds.inject({ method: 'POST', url: PATH, payload: body(url) })
    refusedWithoutRequest(t, res, label)
    t.match(res.json().issue[0].diagnostics, /FHIR_SERVER_ALLOW/)
  }
})

await t.test('AUTH_MODE=off without FHIR_SERVER_ALLOW: any server, with a warning at start', async (t) => {
  const logs = new LogSink()
  const cds = await app(t, { AUTH_MODE: 'off' }, logs)
  t.match(logs.text, /FHIR_SERVER_ALLOW unset: a hook call may name any fhirServer/)
  fhir.requests.length = 0
  t.equal((await cds.inject({ method: 'POST', url: PATH, payload: body(fhir.base) })).statusCode, 200)
  t.ok(fhir.requests.length > 0)
  fhir.requests.length = 0
  refusedWithoutRequest(t, await cds.inject({ method: 'POST', url: PATH, payload: body(fhir.base.replace('http://', 'http://u:p@')) }), 'credentials are refused in any mode')
})

await t.test('a plain-http listed server is accepted but warned about at start', async (t) => {
  const logs = new LogSink()
  await app(t, { AUTH_MODE: 'jwt', TRUSTED_ISSUERS: JSON.stringify({ [bound.iss]: { jwks: bound.jwksUrl, fhirServers: [fhir.base] } }) }, logs)
  t.match(logs.text, /1 listed fhirServer base URL\(s\) use plain http/)
  t.notOk(logs.text.includes(fhir.origin), 'the URL itself is not logged')
})
