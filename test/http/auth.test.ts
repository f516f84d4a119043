import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { SignJWT, UnsecuredJWT, generateKeyPair } from 'jose'
import { FIXTURES, LogSink, NOW, testApp, type TestScope } from '../helper.js'
import { signToken, startIssuer } from '../mocks/jwks-server.js'

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const BASE = 'https://cds.test'
const DISCOVERY = `${BASE}/cds-services`
const NOW_S = Math.floor(NOW.getTime() / 1000)

const issuer = await startIssuer('https://ehr.test')
const other = await startIssuer('https://other-ehr.test')
t.teardown(async () => { await issuer.close(); await other.close() })

async function jwtApp (t: TestScope, extra: Record<string, unknown> = {}, logs?: LogSink) {
  return await testApp(t, {
    // The first issuer in the object form (its EHR's FHIR server is the fixture's), the other as a plain JWKS URL.
    config: { AUTH_MODE: 'jwt', PUBLIC_BASE_URL: BASE, TRUSTED_ISSUERS: JSON.stringify({ [issuer.iss]: { jwks: issuer.jwksUrl, fhirServers: [ORDER_SELECT.fhirServer] }, [other.iss]: other.jwksUrl }), ...extra },
    ...(logs === undefined ? {} : { logs })
  })
}

const logs = new LogSink()
const { app } = await jwtApp(t, {}, logs)
const discovery = async (authorization?: string) => await app.inject({ method: 'GET', url: '/cds-services', headers: authorization === undefined ? {} : { authorization } })
const bearer = (token: string): string => `Bearer ${token}`

async function refused (t: Test, authorization: string | undefined, reason: RegExp): Promise<void> {
  const before = logs.lines.length
  const res = await discovery(authorization)
  t.equal(res.statusCode, 401)
  t.equal(res.headers['www-authenticate'], 'Bearer')
  t.same(res.json(), { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', diagnostics: 'authentication required' }] }, 'no reason in the body')
  const line = logs.lines.slice(before).map((l) => JSON.parse(l)).find((l) => l.msg === 'authentication failed')
  t.match(line?.reason, reason, 'the reason is in the log')
}

await t.test('accepted: ES384, RS384, aud array, extra claims, 15-minute lifetime, matching jku', async (t) => {
  t.equal((await discovery(bearer(await signToken(issuer, NOW)))).statusCode, 200, 'ES384')
  t.equal((await discovery(bearer(await signToken(issuer, NOW, { alg: 'RS384' })))).statusCode, 200, 'RS384')
  t.equal((await discovery(bearer(await signToken(issuer, NOW, { aud: ['https://elsewhere.test/x', DISCOVERY] })))).statusCode, 200, 'aud as array')
  t.equal((await discovery(bearer(await signToken(issuer, NOW, { claims: { sub: 'client-42', nbf: NOW_S - 10, tenant: 'clinic-a' } })))).statusCode, 200, 'sub, nbf, tenant')
  t.equal((await discovery(bearer(await signToken(issuer, NOW, { iat: NOW_S - 60, exp: NOW_S - 60 + 900 })))).statusCode, 200, '15-minute lifetime')
  t.equal((await discovery(bearer(await signToken(issuer, NOW, { alg: 'RS384', header: { jku: issuer.jwksUrl } })))).statusCode, 200, 'Epic style: RS384 + jku')
  t.equal((await discovery(bearer(await signToken(other, NOW)))).statusCode, 200, 'a second trusted issuer')
  const hook = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', headers: { authorization: bearer(await signToken(issuer, NOW, { aud: `${BASE}/cds-services/facet-pt-order-select` })) }, payload: ORDER_SELECT })
  t.equal(hook.statusCode, 200, 'a hook call with aud = its own URL')
  t.equal(issuer.hits.get('/jwks.json'), 1, 'the JWKS was fetched once and cached')
})

await t.test('open routes need no token', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200)
})

await t.test('missing bearer', async (t) => {
  await refused(t, undefined, /no Authorization/)
  await refused(t, 'Basic dXNlcjpwYXNz', /not a Bearer/)
  await refused(t, 'Bearer not-a-jwt', /not a JWT/)
})
await t.test('alg none', async (t) => {
  const token = new UnsecuredJWT({ jti: 'n1' }).setIssuer(issuer.iss).setAudience(DISCOVERY).setIssuedAt(NOW_S).setExpirationTime(NOW_S + 300).encode()
  await refused(t, bearer(token), /alg none not allowed/)
})
await t.test('HS256', async (t) => {
  const secret = new TextEncoder().encode('a-shared-secret-that-is-long-enough-0123456789')
  const token = await new SignJWT({ jti: 'h1' }).setProtectedHeader({ alg: 'HS256', kid: 'es-1' }).setIssuer(issuer.iss).setAudience(DISCOVERY).setIssuedAt(NOW_S).setExpirationTime(NOW_S + 300).sign(secret)
  await refused(t, bearer(token), /alg HS256 not allowed/)
})
await t.test('unknown iss', async (t) => { await refused(t, bearer(await signToken(issuer, NOW, { iss: 'https://evil.test' })), /issuer not trusted/) })
await t.test('jku not the configured JWKS URL (never fetched)', async (t) => {
  const jku = issuer.jwksUrl.replace('/jwks.json', '/attacker.json')
  await refused(t, bearer(await signToken(issuer, NOW, { header: { jku } })), /jku/)
  t.equal(issuer.hits.get('/attacker.json'), undefined, 'the other URL was never requested')
})
await t.test('wrong aud', async (t) => {
  await refused(t, bearer(await signToken(issuer, NOW, { aud: `${DISCOVERY}/` })), /aud/)
  await refused(t, bearer(await signToken(issuer, NOW, { aud: 'https://other.test/cds-services' })), /aud/)
  await refused(t, bearer(await signToken(issuer, NOW, { aud: `${BASE}/cds-services/facet-pt-order-select` })), /aud/)
})
await t.test('expired', async (t) => { await refused(t, bearer(await signToken(issuer, NOW, { iat: NOW_S - 400, exp: NOW_S - 60 })), /exp/) })
await t.test('iat in the future', async (t) => { await refused(t, bearer(await signToken(issuer, NOW, { iat: NOW_S + 120, exp: NOW_S + 400 })), /iat/) })
await t.test('lifetime over 15 minutes', async (t) => { await refused(t, bearer(await signToken(issuer, NOW, { iat: NOW_S, exp: NOW_S + 3600 })), /lifetime/) })
await t.test('missing jti', async (t) => { await refused(t, bearer(await signToken(issuer, NOW, { jti: null })), /jti/) })
await t.test('replayed jti', async (t) => {
  const token = await signToken(issuer, NOW)
  t.equal((await discovery(bearer(token))).statusCode, 200, 'first use')
  await refused(t, bearer(token), /jti replayed/)
  const sameJti = await signToken(issuer, NOW, { jti: 'fixed-jti', alg: 'RS384' })
  t.equal((await discovery(bearer(sameJti))).statusCode, 200)
  await refused(t, bearer(await signToken(issuer, NOW, { jti: 'fixed-jti' })), /jti replayed/)
})
await t.test('unknown kid (refetch rate limited)', async (t) => {
  const before = issuer.hits.get('/jwks.json') ?? 0
  for (let i = 0; i < 3; i++) await refused(t, bearer(await signToken(issuer, NOW, { kid: 'unknown-kid' })), /ERR_JWKS_NO_MATCHING_KEY/)
  t.ok((issuer.hits.get('/jwks.json') ?? 0) - before <= 1, 'at most one refetch within the cooldown')
})
await t.test('bad signature', async (t) => {
  const stranger = await generateKeyPair('ES384')
  await refused(t, bearer(await signToken(issuer, NOW, { key: stranger.privateKey })), /signature/)
  const good = await signToken(issuer, NOW)
  const [h, p] = good.split('.')
  const forged = await signToken(issuer, NOW, { claims: { tenant: 'x' } })
  await refused(t, bearer(`${h}.${p}.${forged.split('.')[2]}`), /signature/)
})

await t.test('the JWT, the FHIR token and patient data never reach the logs', async (t) => {
  const token = await signToken(issuer, NOW, { aud: `${BASE}/cds-services/facet-pt-order-select` })
  const body: Record<string, any> = { ...structuredClone(ORDER_SELECT), fhirAuthorization: { access_token: 'fhir-SECRET-999', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cds' } }
  t.equal((await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', headers: { authorization: bearer(token) }, payload: body })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', headers: { authorization: bearer(token) }, payload: body })).statusCode, 401, 'replayed')
  const expired = await signToken(issuer, NOW, { iat: NOW_S - 400, exp: NOW_S - 60 })
  await discovery(bearer(expired))
  const text = logs.text
  t.ok(text.includes('authentication failed'), 'refusals are logged')
  for (const secret of [token, token.split('.')[2] as string, expired.split('.')[2] as string, 'fhir-SECRET-999', 'Quixotefamily', 'Marisol', 'MRN-5551234', '1961-07-04']) {
    t.notOk(text.includes(secret), 'the log never contains a secret or PHI')
  }
})

await t.test('rate limit is per verified issuer', async (t) => {
  const { app: limited } = await jwtApp(t, { RATE_LIMIT_PER_SECOND: 0.001, RATE_LIMIT_BURST: 2 })
  const get = async (token: string) => await limited.inject({ method: 'GET', url: '/cds-services', headers: { authorization: bearer(token) } })
  t.equal((await get(await signToken(issuer, NOW))).statusCode, 200)
  t.equal((await get(await signToken(issuer, NOW))).statusCode, 200)
  const third = await get(await signToken(issuer, NOW))
  t.equal(third.statusCode, 429)
  t.equal(third.json().issue[0].code, 'throttled')
  t.ok(Number(third.headers['retry-after']) > 0, 'Retry-After')
  t.equal((await get(await signToken(other, NOW))).statusCode, 200, 'another issuer has its own budget')
  t.equal((await get(await signToken(issuer, NOW, { claims: { tenant: 'clinic-b' } }))).statusCode, 429,
    'a tenant claim from an issuer without configured tenants is no fresh budget')
})

await t.test('tenants: only for an issuer configured with them, and only the listed values', async (t) => {
  const issuers = { [issuer.iss]: { jwks: issuer.jwksUrl, tenants: ['clinic-a', 'clinic-b'] } }
  const { app: limited } = await jwtApp(t, {
    RATE_LIMIT_PER_SECOND: 0.001,
    RATE_LIMIT_BURST: 1,
    TRUSTED_ISSUERS: JSON.stringify(issuers)
  })
  const get = async (claims: Record<string, unknown>) => (await limited.inject({
    method: 'GET', url: '/cds-services', headers: { authorization: bearer(await signToken(issuer, NOW, { claims })) }
  })).statusCode
  t.equal(await get({ tenant: 'clinic-a' }), 200)
  t.equal(await get({ tenant: 'clinic-a' }), 429, 'clinic-a spent its burst')
  t.equal(await get({ tenant: 'clinic-b' }), 200, 'a configured tenant has its own budget')
  t.equal(await get({ tenant: 'made-up' }), 401, 'a tenant value not configured is refused, not a fresh budget')
  t.equal(await get({}), 200, 'no tenant claim: the issuer-wide budget')
  t.equal(await get({}), 429)
})

await t.test('AUTH_MODE=jwt needs a valid TRUSTED_ISSUERS', async (t) => {
  await t.rejects(jwtApp(t, { TRUSTED_ISSUERS: '{}' }), /at least one issuer/)
  await t.rejects(jwtApp(t, { TRUSTED_ISSUERS: '{"https://x": "not a url"}' }), /not a URL/)
})
