// The jti replay cache is shared through the store: a token used on one instance is refused on
// another on the same DATABASE_URL (two apps on one SQLite file; on PostgreSQL when
// TEST_POSTGRES_URL is set), and when the store cannot answer the call is refused (503, fail closed).

import { join } from 'node:path'
import t, { type Test } from 'tap'
import pg from 'pg'
import type { Store } from '../../src/store/types.js'
import { LogSink, NOW, TEST_POSTGRES_URL, tempDir, testApp } from '../helper.js'
import { signToken, startIssuer } from '../mocks/jwks-server.js'

const BASE = 'https://cds.test'
const issuer = await startIssuer('https://ehr.test')
t.teardown(async () => { await issuer.close() })

const jwtConfig = (databaseUrl: string) => ({
  AUTH_MODE: 'jwt' as const, PUBLIC_BASE_URL: BASE, TRUSTED_ISSUERS: JSON.stringify({ [issuer.iss]: issuer.jwksUrl }), DATABASE_URL: databaseUrl
})

async function twoInstances (t: Test, databaseUrl: string): Promise<void> {
  const logs = new LogSink()
  const { app: a } = await testApp(t, { config: jwtConfig(databaseUrl) })
  const { app: b } = await testApp(t, { config: jwtConfig(databaseUrl), logs })
  const discovery = async (app: typeof a, token: string) => (await app.inject({ method: 'GET', url: '/cds-services', headers: { authorization: `Bearer ${token}` } })).statusCode

  const token = await signToken(issuer, NOW)
  t.equal(await discovery(a, token), 200, 'first use on instance A')
  t.equal(await discovery(b, token), 401, 'the same token on instance B is a replay')
  t.match(logs.text, /jti replayed \(shared cache\)/, 'B logs why')
  t.equal(await discovery(a, token), 401, 'and on A again')

  const other = await signToken(issuer, NOW)
  t.equal(await discovery(b, other), 200, 'a fresh token on B')
  t.equal(await discovery(a, other), 401, 'then replayed on A')

  const racing = await signToken(issuer, NOW)
  const both = await Promise.all([discovery(a, racing), discovery(b, racing)])
  t.same(both.sort(), [200, 401], 'the same token on both at once: exactly one is accepted')
}

await t.test('two instances on one SQLite file share the replay cache', async (t) => {
  await twoInstances(t, `sqlite:${join(tempDir(t), 'cds.db')}`)
})

if (TEST_POSTGRES_URL === undefined) {
  await t.test('two instances on one PostgreSQL', { skip: 'SKIPPED: TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL and sets it)' }, () => {})
} else {
  const url = TEST_POSTGRES_URL
  await t.test('two instances on one PostgreSQL share the replay cache', async (t) => {
    const schema = `t_jti_${process.pid}_${Date.now()}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`CREATE SCHEMA ${schema}`)
    t.teardown(async () => { await admin.query(`DROP SCHEMA ${schema} CASCADE`); await admin.end() })
    await twoInstances(t, `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`)
  })
}

await t.test('the store cannot answer the replay check: 503 OperationOutcome with Retry-After (fail closed)', async (t) => {
  const logs = new LogSink()
  const { app, store } = await testApp(t, { config: jwtConfig('sqlite::memory:'), logs })
  const real = store.rememberJti
  let down = true
  ;(store as { rememberJti: Store['rememberJti'] }).rememberJti = async (...args) => {
    if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    return await real(...args)
  }
  const token = await signToken(issuer, NOW)
  const res = await app.inject({ method: 'GET', url: '/cds-services', headers: { authorization: `Bearer ${token}` } })
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.match(res.json(), { resourceType: 'OperationOutcome', issue: [{ code: 'transient' }] })
  t.match(logs.text, /jti replay check unavailable: call refused/)
  t.match(logs.text, /ECONNREFUSED/)
  down = false
  t.equal((await app.inject({ method: 'GET', url: '/cds-services', headers: { authorization: `Bearer ${token}` } })).statusCode, 200,
    'the same token is accepted once the store answers (the refused call did not consume it)')
  t.equal((await app.inject({ method: 'GET', url: '/cds-services', headers: { authorization: `Bearer ${token}` } })).statusCode, 401, 'and only once')
})

await t.test('a jti with a NUL character is refused (it could not be stored)', async (t) => {
  const { app } = await testApp(t, { config: jwtConfig('sqlite::memory:') })
  const token = await signToken(issuer, NOW, { jti: 'a\u0000b' })
  t.equal((await app.inject({ method: 'GET', url: '/cds-services', headers: { authorization: `Bearer ${token}` } })).statusCode, 401)
})
