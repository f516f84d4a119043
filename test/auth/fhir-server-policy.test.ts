import t from 'tap'
import { createFhirServerPolicy } from '../../src/auth/fhir-server-policy.js'
import { parseTrustedIssuers } from '../../src/auth/trusted-issuers.js'
import { loadConfig } from '../../src/config.js'
import { fhirBaseKey, isUnderBase, parseFhirBase } from '../../src/fhir/base-url.js'

await t.test('base URLs compare on their normal form', async (t) => {
  const key = 'https://ehr.example.org/fhir/r4'
  for (const v of ['https://ehr.example.org/fhir/r4', 'https://ehr.example.org/fhir/r4/', 'HTTPS://EHR.Example.ORG/fhir/r4', 'https://ehr.example.org:443/fhir/r4//']) {
    t.equal(fhirBaseKey(v), key, v)
  }
  t.equal(fhirBaseKey('http://ehr.example.org:80/fhir'), 'http://ehr.example.org/fhir', 'default http port')
  t.not(fhirBaseKey('https://ehr.example.org/FHIR/r4'), key, 'the path stays case-sensitive')
  t.not(fhirBaseKey('https://ehr.example.org:8443/fhir/r4'), key, 'another port is another server')
  for (const bad of ['not a url', 'ftp://x/fhir', 'https://u:p@x/fhir', 'https://x/fhir?a=1', 'https://x/fhir#f', 'https://x/fhir?']) {
    t.equal(fhirBaseKey(bad), undefined, `refused: ${bad}`)
  }
})

await t.test('under the base: same origin and path prefix, nothing encoded to climb out', async (t) => {
  const base = parseFhirBase('https://ehr.example.org/fhir/r4')
  const under = (u: string): boolean => isUnderBase(new URL(u, base.url), base)
  t.ok(under('Observation?patient=1'))
  t.ok(under('https://ehr.example.org/fhir/r4/Observation?page=2'))
  t.ok(under('https://ehr.example.org/fhir/r4?_getpages=x'), 'the base itself (HAPI paging)')
  t.ok(under('https://EHR.example.org:443/fhir/r4/Observation'), 'normalised origin')
  t.notOk(under('https://ehr.example.org/fhir/r4-other/Observation'), 'a sibling path sharing the prefix')
  t.notOk(under('https://ehr.example.org/admin'))
  t.notOk(under('../admin'))
  t.notOk(under('https://ehr.example.org/fhir/r4/%2e%2e/%2e%2e/admin'))
  t.notOk(under('https://ehr.example.org/fhir/r4/..%2F..%2Fadmin'))
  t.notOk(under('https://ehr.example.org/fhir/r4/..%5Cadmin'))
  t.notOk(under('http://ehr.example.org/fhir/r4/Observation'), 'downgraded to http')
  t.notOk(under('https://ehr.example.org:8443/fhir/r4/Observation'))
  t.notOk(under('https://u:p@ehr.example.org/fhir/r4/Observation'))
})

await t.test('TRUSTED_ISSUERS: string and object forms', async (t) => {
  const issuers = parseTrustedIssuers(JSON.stringify({
    'https://a': 'https://a/jwks',
    'https://b': { jwks: 'https://b/jwks', fhirServers: ['https://B/fhir/', 'https://b/fhir', 'https://b2/r4'] },
    'https://c': { jwks: 'https://c/jwks', tenants: ['t1', 't2', 't1'] }
  }))
  t.same(issuers.get('https://a'), { jwks: 'https://a/jwks', fhirServers: [], tenants: [] })
  t.same(issuers.get('https://b'), { jwks: 'https://b/jwks', fhirServers: ['https://b/fhir', 'https://b2/r4'], tenants: [] }, 'normalised, duplicates dropped')
  t.same(issuers.get('https://c'), { jwks: 'https://c/jwks', fhirServers: [], tenants: ['t1', 't2'] })
  const bad: Record<string, RegExp> = {
    '{"https://x": {"fhirServers": []}}': /\["https:\/\/x"\]\.jwks must be the JWKS URL/,
    '{"https://x": {"jwks": "https://x/j", "fhirServers": "https://x/fhir"}}': /fhirServers must be an array/,
    '{"https://x": {"jwks": "https://x/j", "fhirServers": ["ftp://x/fhir"]}}': /fhirServers\[0\] must be an http\(s\) URL/,
    '{"https://x": {"jwks": "https://x/j", "fhirServers": ["https://x/fhir?tenant=1"]}}': /fhirServers\[0\] must not have a query/,
    '{"https://x": {"jwks": "https://x/j", "fhirServers": [""]}}': /fhirServers\[0\] must be a FHIR base URL string/,
    '{"https://x": {"jwks": "https://x/j", "fhirServer": ["https://x/fhir"]}}': /unknown members: fhirServer/,
    '{"https://x": {"jwks": "https://x/j", "tenants": "t1"}}': /tenants must be an array of tenant names/,
    '{"https://x": {"jwks": "https://x/j", "tenants": [""]}}': /tenants must be an array of tenant names/
  }
  for (const [text, message] of Object.entries(bad)) {
    t.throws(() => loadConfig({ TRUSTED_ISSUERS: text }), message, text)
  }
})

await t.test('config: the new settings, their defaults and checks', async (t) => {
  const config = loadConfig({})
  t.equal(config.FHIR_SERVER_ALLOW, '')
  t.equal(config.FHIR_MAX_RESPONSE_BYTES, 4_194_304)
  t.equal(config.FHIR_MAX_RESOURCES_PER_KEY, 10_000)
  t.equal(loadConfig({ FHIR_MAX_RESOURCES_PER_KEY: '500' }).FHIR_MAX_RESOURCES_PER_KEY, 500)
  t.throws(() => loadConfig({ FHIR_MAX_RESPONSE_BYTES: '10' }), /FHIR_MAX_RESPONSE_BYTES must be >= 1024/)
  t.throws(() => loadConfig({ FHIR_MAX_RESOURCES_PER_KEY: '0' }), /FHIR_MAX_RESOURCES_PER_KEY must be >= 1/)
  t.throws(() => loadConfig({ FHIR_SERVER_ALLOW: 'https://ok/fhir, nope' }), /FHIR_SERVER_ALLOW\[1\] is not a URL/)
  t.throws(() => loadConfig({ AUTH_MODE: 'jwt', TRUSTED_ISSUERS: '{"https://x": "https://x/j"}', FHIR_SERVER_ALLOW: 'https://ok/fhir' }), /FHIR_SERVER_ALLOW applies only with AUTH_MODE=off/)
  const jwt = loadConfig({ AUTH_MODE: 'jwt', TRUSTED_ISSUERS: '{"https://x": {"jwks": "https://x/j", "fhirServers": ["https://ehr/fhir"]}}' })
  t.equal(jwt.AUTH_MODE, 'jwt')
})

await t.test('the policy', async (t) => {
  const jwt = createFhirServerPolicy({
    AUTH_MODE: 'jwt',
    TRUSTED_ISSUERS: JSON.stringify({ 'https://a': { jwks: 'https://a/j', fhirServers: ['https://ehr.a/fhir'] }, 'https://b': 'https://b/j' }),
    FHIR_SERVER_ALLOW: ''
  })
  t.same(jwt.warnings, [])
  t.equal(jwt.refusal('https://EHR.a:443/fhir/', 'https://a'), undefined)
  t.match(jwt.refusal('https://ehr.a/fhir', 'https://b'), /no FHIR server is configured/, 'another issuer may not name it')
  t.match(jwt.refusal('https://ehr.a/fhir', undefined), /no FHIR server is configured/, 'no verified caller: refused')
  t.match(jwt.refusal('https://ehr.a/other', 'https://a'), /not one of the FHIR servers configured/)
  t.notOk(jwt.refusal('https://ehr.a/other', 'https://a')?.includes('ehr.a'), 'the diagnostics do not echo the URL')

  const open = createFhirServerPolicy({ AUTH_MODE: 'off', TRUSTED_ISSUERS: '{}', FHIR_SERVER_ALLOW: '' })
  t.equal(open.refusal('http://anything.internal/fhir', undefined), undefined, 'unset = any, as before')
  t.match(open.warnings.join(' '), /FHIR_SERVER_ALLOW unset/)
  const allow = createFhirServerPolicy({ AUTH_MODE: 'off', TRUSTED_ISSUERS: '{}', FHIR_SERVER_ALLOW: 'https://ehr.a/fhir,http://10.0.0.5:8080/r4' })
  t.equal(allow.refusal('https://ehr.a/fhir/', undefined), undefined)
  t.equal(allow.refusal('http://10.0.0.5:8080/r4', undefined), undefined, 'plain http when listed exactly')
  t.match(allow.refusal('https://10.0.0.5:8080/r4', undefined), /FHIR_SERVER_ALLOW/)
  t.match(allow.warnings.join(' '), /1 listed fhirServer base URL\(s\) use plain http/)
})
