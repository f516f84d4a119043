import { readFileSync } from 'node:fs'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ConfigError, loadConfig, testConfig } from '../../src/config.js'
import { securityHeaders } from '../../src/http/hardening.js'
import { FIXTURES, NOW, bundledCatalog, testApp } from '../helper.js'

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const URL_ = '/cds-services/facet-pt-order-select'
const SANDBOX = 'https://sandbox.cds-hooks.org'

const preflight = (origin: string, url = URL_) => ({
  method: 'OPTIONS' as const,
  url,
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' }
})

await t.test('CORS: allow-listed origins only', async (t) => {
  const { app } = await testApp(t, { config: { CORS_ORIGINS: `${SANDBOX}, https://ehr.example.org/` } })
  const ok = await app.inject(preflight(SANDBOX))
  t.equal(ok.statusCode, 204)
  t.equal(ok.headers['access-control-allow-origin'], SANDBOX)
  t.match(String(ok.headers['access-control-allow-headers']), /Authorization/)
  t.match(String(ok.headers['access-control-allow-headers']), /Content-Type/)
  t.match(String(ok.headers['access-control-allow-methods']), /POST/)
  t.equal((await app.inject(preflight('https://ehr.example.org'))).headers['access-control-allow-origin'], 'https://ehr.example.org', 'a trailing slash in the setting is ignored')
  const bad = await app.inject(preflight('https://evil.example'))
  t.equal(bad.headers['access-control-allow-origin'], undefined, 'a disallowed origin gets no CORS headers')
  t.equal(bad.headers['access-control-allow-headers'], undefined)
  const call = await app.inject({ method: 'POST', url: URL_, headers: { origin: SANDBOX }, payload: ORDER_SELECT })
  t.equal(call.statusCode, 200)
  t.equal(call.headers['access-control-allow-origin'], SANDBOX, 'the actual call carries the header too')
})

await t.test('CORS: nothing open by default', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject(preflight(SANDBOX))
  t.equal(res.headers['access-control-allow-origin'], undefined)
  const call = await app.inject({ method: 'GET', url: '/cds-services', headers: { origin: SANDBOX } })
  t.equal(call.headers['access-control-allow-origin'], undefined)
})

await t.test('CORS preflight passes without a JWT when auth is on', async (t) => {
  const { app } = await testApp(t, { config: { CORS_ORIGINS: SANDBOX, AUTH_MODE: 'jwt', TRUSTED_ISSUERS: '{"https://ehr.test":"http://127.0.0.1:1/jwks.json"}' } })
  const res = await app.inject(preflight(SANDBOX))
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], SANDBOX)
  const unauth = await app.inject({ method: 'POST', url: URL_, headers: { origin: SANDBOX }, payload: ORDER_SELECT })
  t.equal(unauth.statusCode, 401)
  t.equal(unauth.headers['access-control-allow-origin'], SANDBOX, 'the browser can read the 401')
})

await t.test('secure headers', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({ method: 'GET', url: '/cds-services' })
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'")
  t.ok(res.headers['strict-transport-security'])
  t.equal(res.headers['x-powered-by'], undefined)
  // Computed once by helmet, applied to every answer: hook answers and every error answer too.
  const expected = securityHeaders()
  t.match(expected, { 'x-frame-options': 'SAMEORIGIN', 'referrer-policy': 'no-referrer', 'cross-origin-opener-policy': 'same-origin' })
  const answers = [
    res,
    await app.inject({ method: 'POST', url: URL_, payload: ORDER_SELECT }),
    await app.inject({ method: 'GET', url: '/no-such-route' }),
    await app.inject({ method: 'POST', url: URL_, payload: { hook: 'order-select' } })
  ]
  t.same(answers.map((a) => a.statusCode), [200, 200, 404, 400])
  for (const a of answers) {
    for (const [name, value] of Object.entries(expected)) t.equal(a.headers[name], value, `${a.statusCode} ${name}`)
  }
})

await t.test('securityHeaders: a helmet option error stops the start', async (t) => {
  t.throws(() => securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ['none'] } } }), /helmet|none/)
})

await t.test('413: body over BODY_LIMIT_BYTES', async (t) => {
  const { app } = await testApp(t, { config: { BODY_LIMIT_BYTES: 4096 } })
  const res = await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, extension: { pad: 'x'.repeat(5000) } } })
  t.equal(res.statusCode, 413)
  t.equal(res.json().issue[0].code, 'too-costly')
})

await t.test('400: JSON nested deeper than 64 levels, located', async (t) => {
  const { app } = await testApp(t)
  let deep: Record<string, unknown> = {}
  const root = deep
  for (let i = 0; i < 200; i++) { const next = {}; deep.a = next; deep = next }
  const res = await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, extension: root } })
  t.equal(res.statusCode, 400)
  t.equal(res.json().resourceType, 'OperationOutcome')
  t.match(res.json().issue[0].expression[0], /^extension\.a\.a\./)
  t.match(res.json().issue[0].diagnostics, /64 levels/)
  const arrays = await app.inject({ method: 'POST', url: URL_, headers: { 'content-type': 'application/json' }, payload: `{"hook":"order-select","x":${'['.repeat(100000)}${']'.repeat(100000)}}` })
  t.equal(arrays.statusCode, 400, '100,000 nested arrays: a 400, not a stack overflow')
  let shallow: Record<string, unknown> = {}
  const ok = shallow
  for (let i = 0; i < 50; i++) { const next = {}; shallow.a = next; shallow = next }
  t.equal((await app.inject({ method: 'POST', url: URL_, payload: { ...ORDER_SELECT, extension: ok } })).statusCode, 200, '50 levels are fine')
})

await t.test('400: more than 10,000 entries in a prefetch Bundle or draftOrders', async (t) => {
  const { app } = await testApp(t)
  const many = Array.from({ length: 10_001 }, (_, i) => ({ resource: { resourceType: 'Observation', id: `o${i}`, status: 'final', code: {} } }))
  const body = structuredClone(ORDER_SELECT)
  body.prefetch.observations = { resourceType: 'Bundle', type: 'searchset', entry: many }
  const res = await app.inject({ method: 'POST', url: URL_, payload: body })
  t.equal(res.statusCode, 400)
  t.same(res.json().issue[0].expression, ['prefetch.observations.entry'])
  const orders = structuredClone(ORDER_SELECT)
  orders.context.draftOrders = { resourceType: 'Bundle', entry: many }
  const res2 = await app.inject({ method: 'POST', url: URL_, payload: orders })
  t.equal(res2.statusCode, 400)
  t.same(res2.json().issue[0].expression, ['context.draftOrders.entry'])
})

await t.test('429 per client address when auth is off', async (t) => {
  const { app } = await testApp(t, { config: { RATE_LIMIT_PER_SECOND: 0.001, RATE_LIMIT_BURST: 3 } })
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/cds-services' })).statusCode, 200)
  const res = await app.inject({ method: 'GET', url: '/cds-services' })
  t.equal(res.statusCode, 429)
  t.equal(res.json().resourceType, 'OperationOutcome')
  t.equal(res.json().issue[0].code, 'throttled')
  t.match(res.json().issue[0].diagnostics, /0\.001 calls per second \(burst 3\)/)
  t.ok(Number(res.headers['retry-after']) > 0, 'Retry-After says when the next call is allowed')
  t.equal((await app.inject({ method: 'GET', url: '/cds-services', remoteAddress: '10.0.0.9' })).statusCode, 200, 'another client has its own budget')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'probes are never rate limited')
})

await t.test('503 with Retry-After when overloaded', async (t) => {
  const { app } = await buildApp({
    config: testConfig(),
    catalog: bundledCatalog(),
    clock: () => NOW,
    overloadCheck: async () => false
  })
  t.teardown(async () => { await app.close() })
  const res = await app.inject({ method: 'POST', url: URL_, payload: ORDER_SELECT })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.equal(res.json().resourceType, 'OperationOutcome')
  t.equal(res.json().issue[0].code, 'transient')
  const { app: calm } = await testApp(t, { config: { OVERLOAD_MAX_DELAY_MS: 400 } })
  t.equal(calm.isUnderPressure(), false, 'with the production threshold the app is not shedding at rest')
})

await t.test('config: TRUSTED_ISSUERS and PUBLIC_BASE_URL are validated at load', async (t) => {
  t.throws(() => loadConfig({ TRUSTED_ISSUERS: '{not json' }), /not valid JSON/)
  t.ok((() => { try { loadConfig({ TRUSTED_ISSUERS: '{not json' }) } catch (err) { return err instanceof ConfigError } return false })(), 'a ConfigError')
  t.throws(() => loadConfig({ TRUSTED_ISSUERS: '["x"]' }), /JSON object/)
  t.throws(() => loadConfig({ TRUSTED_ISSUERS: '{"https://ehr": 42}' }), /JWKS URL as a string/)
  t.throws(() => loadConfig({ TRUSTED_ISSUERS: '{"https://ehr": "ftp://x/jwks"}' }), /http\(s\)/)
  t.throws(() => loadConfig({ AUTH_MODE: 'jwt' }), /at least one issuer/)
  t.throws(() => loadConfig({ PUBLIC_BASE_URL: 'cds.example.org' }), /PUBLIC_BASE_URL/)
  const ok = loadConfig({ AUTH_MODE: 'jwt', TRUSTED_ISSUERS: '{"https://sandbox.cds-hooks.org":"https://sandbox.cds-hooks.org/.well-known/jwks.json"}', RATE_LIMIT_PER_SECOND: '120' })
  t.equal(ok.RATE_LIMIT_PER_SECOND, 120)
  t.throws(() => loadConfig({ RATE_LIMIT_MAX: '600' }), /RATE_LIMIT_MAX was replaced by RATE_LIMIT_PER_SECOND/, 'a replaced setting is an error, not ignored')
  t.throws(() => loadConfig({ OVERLOAD_MAX_ELU: '0.98' }), /OVERLOAD_MAX_DELAY_MS/)
})
