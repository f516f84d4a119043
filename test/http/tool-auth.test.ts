// AUTH_MODE=jwt: every tool route the workbench calls accepts `Authorization: Bearer <ADMIN_TOKEN>`;
// the ones a CDS client may call keep accepting its JWT; without either they refuse (401).

import { readFileSync } from 'node:fs'
import t from 'tap'
import { FIXTURES, NOW, RULES_DIR, testApp } from '../helper.js'
import { signToken, startIssuer } from '../mocks/jwks-server.js'

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const SUIT01 = JSON.parse(readFileSync(`${RULES_DIR}suitability/SUIT-01.rule.json`, 'utf8'))
const BASE = 'https://cds.test'
const ADMIN = 'workbench-admin-token-1'

const issuer = await startIssuer('https://ehr.test')
t.teardown(async () => { await issuer.close() })

const { app } = await testApp(t, {
  config: { AUTH_MODE: 'jwt', PUBLIC_BASE_URL: BASE, ADMIN_TOKEN: ADMIN, TRUSTED_ISSUERS: JSON.stringify({ [issuer.iss]: issuer.jwksUrl }) }
})

const TOOLS: Array<{ method: 'GET' | 'POST', url: string, payload?: unknown, jwt: boolean }> = [
  { method: 'POST', url: '/evaluate', payload: ORDER_SELECT, jwt: true },
  { method: 'GET', url: '/rules', jwt: true },
  { method: 'GET', url: '/rules/SUIT-01', jwt: true },
  { method: 'POST', url: '/rules/validate', payload: SUIT01, jwt: false },
  { method: 'POST', url: '/rules/what-if', payload: { records: [{ name: 'a', input: ORDER_SELECT }] }, jwt: false },
  { method: 'GET', url: '/feedback/summary', jwt: true },
  { method: 'GET', url: '/feedback/timeseries', jwt: true }
]

await t.test('each tool route: the admin token is accepted, nothing or a wrong token is refused', async (t) => {
  for (const tool of TOOLS) {
    const call = async (authorization?: string): Promise<number> => (await app.inject({
      method: tool.method,
      url: tool.url,
      ...(tool.payload === undefined ? {} : { payload: tool.payload as Record<string, unknown> }),
      headers: authorization === undefined ? {} : { authorization }
    })).statusCode
    t.equal(await call(`Bearer ${ADMIN}`), 200, `${tool.method} ${tool.url} with the admin token`)
    t.equal(await call(), 401, `${tool.method} ${tool.url} without a token`)
    t.equal(await call('Bearer not-the-admin-token'), 401, `${tool.method} ${tool.url} with a wrong token`)
  }
})

await t.test('CDS clients keep their JWT on the routes that took it; authoring routes stay admin-only', async (t) => {
  for (const tool of TOOLS) {
    const token = await signToken(issuer, NOW, { aud: `${BASE}${tool.url}` })
    const res = await app.inject({
      method: tool.method,
      url: tool.url,
      ...(tool.payload === undefined ? {} : { payload: tool.payload as Record<string, unknown> }),
      headers: { authorization: `Bearer ${token}` }
    })
    t.equal(res.statusCode, tool.jwt ? 200 : 401, `${tool.method} ${tool.url} with a CDS client JWT`)
  }
  const hook = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: ORDER_SELECT, headers: { authorization: `Bearer ${ADMIN}` } })
  t.equal(hook.statusCode, 401, 'the admin token is no CDS client: hook calls still need a JWT')
})
