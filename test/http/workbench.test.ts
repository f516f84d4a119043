// GET /workbench: the page built by esbuild (into a temp dir here) served by the service with its
// own CSP, public under AUTH_MODE=jwt (its tools are not), 503 when not built, absent when disabled.
import t from 'tap'
import { buildWorkbench } from '../../src/build-workbench.js'
import { tempDir, testApp } from '../helper.js'

const JWT = {
  AUTH_MODE: 'jwt' as const,
  ADMIN_TOKEN: 'an-admin-token-long-enough-1234',
  TRUSTED_ISSUERS: JSON.stringify({ 'https://ehr.example': 'https://ehr.example/jwks' })
}

await t.test('the built page, its assets and the session, also under AUTH_MODE=jwt', async (t) => {
  const dir = tempDir(t)
  await buildWorkbench(dir)
  for (const config of [{}, JWT]) {
    const { app } = await testApp(t, { config: { WORKBENCH_DIR: dir, ...config } })
    const redirect = await app.inject({ url: '/workbench' })
    t.equal(redirect.statusCode, 302)
    t.equal(redirect.headers.location, '/workbench/')
    const page = await app.inject({ url: '/workbench/' })
    t.equal(page.statusCode, 200)
    t.match(page.headers['content-type'], /text\/html/)
    t.match(page.body, /<script type="module" src=".\/workbench.js">/)
    t.match(page.headers['content-security-policy'], /default-src 'none'; script-src 'self'; style-src 'self'/)
    const js = await app.inject({ url: '/workbench/workbench.js' })
    t.equal(js.statusCode, 200)
    t.match(js.headers['content-type'], /javascript/)
    t.notMatch(js.body, /https?:\/\/(cdn|unpkg|fonts)\./, 'no asset from a CDN')
    t.equal((await app.inject({ url: '/workbench/workbench.css' })).statusCode, 200)
    t.equal((await app.inject({ url: '/workbench/nothing.js' })).statusCode, 404)
    const session = (await app.inject({ url: '/workbench/session' })).json()
    t.match(session, { authMode: config === JWT ? 'jwt' : 'off', adminTokenConfigured: config === JWT, rules: 31 })
    t.notOk(JSON.stringify(session).includes(JWT.ADMIN_TOKEN), 'the session never carries the token')
  }
})

await t.test('not built: 503 OperationOutcome saying how to build; disabled: no route', async (t) => {
  const { app } = await testApp(t, { config: { WORKBENCH_DIR: tempDir(t) } })
  const res = await app.inject({ url: '/workbench/' })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { resourceType: 'OperationOutcome', issue: [{ diagnostics: /npm run build/ }] })
  const off = await testApp(t, { config: { WORKBENCH_ENABLED: false } })
  t.equal((await off.app.inject({ url: '/workbench/' })).statusCode, 404)
  t.equal((await off.app.inject({ url: '/workbench/session' })).statusCode, 404)
})
