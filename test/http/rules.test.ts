// Rule catalog endpoints: GET /rules, POST /rules/validate, POST /rules/reload (swap only when
// everything passes, admin guard under AUTH_MODE=jwt, file watcher) and in-flight calls.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { compileCatalog, loadCatalog } from '../../src/rules/catalog.js'
import { FIXTURES, NOW, RULES_DIR, bundledCatalog, testApp } from '../helper.js'

const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'))
const SUIT01 = readJson(`${RULES_DIR}suitability/SUIT-01.rule.json`)
const SUIT01_CASES = readJson(`${RULES_DIR}suitability/SUIT-01.cases.json`)

function rulesCopy (t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'facet-rules-'))
  cpSync(RULES_DIR, dir, { recursive: true })
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

await t.test('GET /rules lists the catalog in force with parameter values of the profile', async (t) => {
  const { app } = await testApp(t)
  const body = (await app.inject({ method: 'GET', url: '/rules' })).json()
  const catalog = bundledCatalog()
  t.equal(body.catalog.hash, catalog.hash)
  t.equal(body.catalog.loadedAt, NOW.toISOString())
  t.equal(body.profile.name, 'medicare_lcd')
  t.equal(body.rules.length, catalog.content.rules.length)
  t.match(body.rules.find((r: any) => r.id === 'SUIT-01').source, { label: 'Medicare LCD: pain and disability scales', evidence: 'V', citation: /Noridian Q&A A2/ },
    'the short card label, and for authors the full citation')
  const suit01 = body.rules.find((r: any) => r.id === 'SUIT-01')
  t.match(suit01, { version: SUIT01.version, title: SUIT01.title, hooks: SUIT01.hooks, enabled: true })
  const param = catalog.content.parameters.parameters.PAIN_SCORE_LOOKBACK_DAYS
  t.equal(suit01.parameters.PAIN_SCORE_LOOKBACK_DAYS.value, param?.profiles?.medicare_lcd ?? param?.default)
  // A parameter value that differs per profile shows under ?profile= (a catalog where it does).
  const content = structuredClone(catalog.content)
  const lookback = content.parameters.parameters.PAIN_SCORE_LOOKBACK_DAYS as NonNullable<typeof param>
  lookback.profiles = { ...lookback.profiles, consensus_2020: 45 }
  const { app: app2 } = await testApp(t, { catalog: compileCatalog(content, 'per-profile', NOW) })
  const valueIn = async (profile: string): Promise<unknown> => (await app2.inject({ method: 'GET', url: `/rules?profile=${profile}` })).json()
    .rules.find((r: any) => r.id === 'SUIT-01').parameters.PAIN_SCORE_LOOKBACK_DAYS.value
  t.equal(await valueIn('consensus_2020'), 45)
  t.equal(await valueIn('medicare_lcd'), suit01.parameters.PAIN_SCORE_LOOKBACK_DAYS.value)
  const bad = await app.inject({ method: 'GET', url: '/rules?profile=x' })
  t.equal(bad.statusCode, 400)
  t.same(bad.json().issue[0].expression, ['profile'])
})

await t.test('POST /rules/validate', async (t) => {
  const { app } = await testApp(t)
  const validate = async (body: unknown): Promise<{ status: number, body: any }> => {
    const res = await app.inject({ method: 'POST', url: '/rules/validate', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } })
    return { status: res.statusCode, body: res.json() }
  }
  const ok = await validate({ rule: SUIT01, cases: SUIT01_CASES })
  t.equal(ok.status, 200)
  t.match(ok.body, { valid: true, kind: 'rule', rules: ['SUIT-01'], problems: [] })
  t.equal(ok.body.cases.passed, SUIT01_CASES.cases.length)

  const noCases = await validate(SUIT01)
  t.equal(noCases.body.valid, true, 'a rule without cases is checkable')
  t.match(noCases.body.problems, [{ severity: 'warning', message: /no cases file/ }])

  const broken = structuredClone(SUIT01)
  broken.conditions.all[0].fact = 'latestPainScor'
  broken.parameters.push('NOT_A_PARAMETER')
  delete broken.version
  const schemaBad = await validate({ rule: broken })
  t.equal(schemaBad.body.valid, false)
  t.match(schemaBad.body.problems, [{ file: 'suitability/SUIT-01.rule.json', rule: 'SUIT-01', pointer: '/', message: /version/ }])
  broken.version = '1.0.1'
  const crossBad = await validate({ rule: broken, cases: SUIT01_CASES })
  t.equal(crossBad.body.valid, false)
  const pointers = crossBad.body.problems.map((p: any) => `${p.pointer} ${p.message}`)
  t.ok(pointers.some((p: string) => p.startsWith('/conditions/all/0/fact unknown fact "latestPainScor"')), 'unknown fact located')
  t.ok(pointers.includes(`/parameters/${broken.parameters.length - 1} parameter "NOT_A_PARAMETER" is not defined in parameters.json`),
    'unknown parameter located at its entry')

  const flipped = structuredClone(SUIT01_CASES)
  flipped.cases[0].expect = { fires: false }
  const failing = await validate({ rule: SUIT01, cases: flipped })
  t.equal(failing.body.valid, false)
  t.match(failing.body.problems, [{ file: 'suitability/SUIT-01.cases.json', pointer: '/cases/0', message: /fails: expected no SUIT-01 card/ }])

  const c = bundledCatalog().content
  const whole = {
    services: c.services,
    parameters: c.parameters,
    valueSets: c.valueSets,
    facts: c.facts,
    rules: c.rules.map((r) => ({ rule: r.rule, cases: r.cases }))
  }
  const catalog = await validate(whole)
  t.match(catalog.body, { valid: true, kind: 'catalog', problems: [] })
  t.equal(catalog.body.rules.length, c.rules.length)
  const badVs = structuredClone(whole) as any
  badVs.valueSets[0].concepts = 'x'
  badVs.parameters.defaultProfile = 'nope'
  const catalogBad = await validate(badVs)
  t.equal(catalogBad.body.valid, false)
  t.ok(catalogBad.body.problems.some((p: any) => p.file === `valuesets/${String(c.valueSets[0]?.id)}.json`), 'value set problem names its file')

  for (const body of [[1], 'x', null]) {
    const res = await validate(body)
    t.equal(res.status, 400, `${JSON.stringify(body)} → 400`)
    t.equal(res.body.resourceType, 'OperationOutcome')
  }
})

await t.test('POST /rules/reload swaps only when everything passes', async (t) => {
  const dir = rulesCopy(t)
  const { app, catalogs } = await testApp(t, { config: { RULES_DIR: dir } })
  const reload = async (): Promise<{ status: number, body: any }> => {
    const res = await app.inject({ method: 'POST', url: '/rules/reload' })
    return { status: res.statusCode, body: res.json() }
  }
  const first = await reload()
  t.equal(first.status, 200)
  t.match(first.body, { problems: [] }, 'the copy validates and all its cases pass')
  const hash = catalogs.current().hash
  t.match((await reload()).body, { swapped: false, unchanged: true, hash })

  const file = join(dir, 'suitability/SUIT-01.rule.json')
  const good = readFileSync(file, 'utf8')
  writeFileSync(file, good.replace('"title": "Missing baseline pain score"', '"title": "Missing baseline pain score (edited)"'))
  const edited = await reload()
  t.equal(edited.status, 200)
  t.equal(edited.body.swapped, true)
  t.ok(edited.body.cases.passed > 100, 'every case ran')
  t.equal((await app.inject({ method: 'GET', url: '/rules' })).json().rules.find((r: any) => r.id === 'SUIT-01').title, 'Missing baseline pain score (edited)')

  const before = catalogs.current()
  writeFileSync(file, good.replace('"fact": "latestPainScore",', '"fact": "latestPainScor",'))
  const broken = await reload()
  t.equal(broken.status, 422)
  t.equal(broken.body.resourceType, 'OperationOutcome')
  t.match(broken.body.issue[0], { expression: ['suitability/SUIT-01.rule.json#/conditions/all/0/fact'], diagnostics: /unknown fact "latestPainScor"/ })
  t.equal(catalogs.current(), before, 'the running catalog keeps serving')

  const params = join(dir, 'parameters.json')
  const p = readJson(params)
  p.parameters.PAIN_SCORE_LOOKBACK_DAYS.default = 45
  delete p.parameters.PAIN_SCORE_LOOKBACK_DAYS.profiles
  writeFileSync(file, good)
  writeFileSync(params, JSON.stringify(p))
  const failing = await reload()
  t.equal(failing.status, 422, 'a parameter change that breaks a case is refused')
  t.ok(failing.body.issue.some((i: any) => /SUIT-01.cases.json#\/cases\/\d+/.test(i.expression[0]) && /fails/.test(i.diagnostics)), 'the failing case is named')
  t.equal(catalogs.current(), before)

  writeFileSync(params, readFileSync(join(RULES_DIR, 'parameters.json'), 'utf8'))
  rmSync(dir, { recursive: true, force: true })
  const gone = await reload()
  t.equal(gone.status, 422, 'RULES_DIR removed: a located 422, not a 500')
  t.match(gone.body.issue[0].diagnostics, /cannot read/)
  t.equal(catalogs.current(), before)
})

const JWT_ISSUERS = JSON.stringify({ 'https://ehr.example': 'https://ehr.example/.well-known/jwks.json' })

await t.test('reload is protected under AUTH_MODE=jwt', async (t) => {
  const disabled = await testApp(t, { config: { AUTH_MODE: 'jwt', ADMIN_TOKEN: '', TRUSTED_ISSUERS: JWT_ISSUERS } })
  const off = await disabled.app.inject({ method: 'POST', url: '/rules/reload', headers: { authorization: 'Bearer ' } })
  t.equal(off.statusCode, 403)
  t.match(off.json().issue[0].diagnostics, /disabled/)
  const guarded = await testApp(t, { config: { AUTH_MODE: 'jwt', ADMIN_TOKEN: 's3cret-admin-token', TRUSTED_ISSUERS: JWT_ISSUERS } })
  for (const authorization of [undefined, 'Bearer wrong', 'Basic s3cret-admin-token', 'Bearer s3cret-admin-token-and-more']) {
    const res = await guarded.app.inject({ method: 'POST', url: '/rules/reload', headers: authorization === undefined ? {} : { authorization } })
    t.equal(res.statusCode, 401, `${String(authorization)} → 401`)
    t.equal(res.json().resourceType, 'OperationOutcome')
  }
  const res = await guarded.app.inject({ method: 'POST', url: '/rules/reload', headers: { authorization: 'Bearer s3cret-admin-token' } })
  t.equal(res.statusCode, 200)
  const open = await testApp(t, { config: { AUTH_MODE: 'off', ADMIN_TOKEN: '' } })
  t.equal((await open.app.inject({ method: 'POST', url: '/rules/reload' })).statusCode, 200, 'AUTH_MODE=off: open for local use')
})

await t.test('validate: admin only with jwt, body and case caps, off the event loop', async (t) => {
  const guarded = await testApp(t, { config: { AUTH_MODE: 'jwt', ADMIN_TOKEN: 's3cret-admin-token', TRUSTED_ISSUERS: JWT_ISSUERS } })
  const post = async (app: typeof guarded.app, payload: unknown, authorization?: string) => await app.inject({
    method: 'POST', url: '/rules/validate', payload: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) }
  })
  t.equal((await post(guarded.app, { rule: SUIT01, cases: SUIT01_CASES })).statusCode, 401, 'a CDS client token is not enough: no admin token, 401')
  const admin = await post(guarded.app, { rule: SUIT01, cases: SUIT01_CASES }, 'Bearer s3cret-admin-token')
  t.equal(admin.statusCode, 200)
  t.equal(admin.json().valid, true)

  const { app } = await testApp(t, { config: { VALIDATE_BODY_LIMIT_BYTES: 200_000, VALIDATE_MAX_CASES: 50 } })
  const huge = await post(app, { rule: { ...SUIT01, description: 'x'.repeat(250_000) }, cases: SUIT01_CASES })
  t.equal(huge.statusCode, 413, 'over VALIDATE_BODY_LIMIT_BYTES')
  t.equal(huge.json().resourceType, 'OperationOutcome')
  const many = { rule: SUIT01, cases: { ...SUIT01_CASES, cases: Array.from({ length: 51 }, (_, i) => ({ ...SUIT01_CASES.cases[0], name: `case ${i}` })) } }
  const tooMany = await post(app, many)
  t.equal(tooMany.statusCode, 422, 'over VALIDATE_MAX_CASES')
  t.same(tooMany.json().issue[0].expression, ['cases'])
  t.match(tooMany.json().issue[0].diagnostics, /51 cases here; 51 in all exceeds VALIDATE_MAX_CASES = 50/)
  const whole = {
    rules: [{ rule: SUIT01, cases: SUIT01_CASES.cases.slice(0, 2) }, { rule: SUIT01, cases: many.cases.cases }],
    parameters: {}
  }
  t.same((await post(app, whole)).json().issue.map((i: any) => i.expression[0]), ['rules[0].cases', 'rules[1].cases'], 'located per posted rule')

  // A validation running in the worker does not hold up hook calls on the main thread.
  const order = readJson(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`)
  const allowed = { rule: SUIT01, cases: { ...SUIT01_CASES, cases: Array.from({ length: 50 }, (_, i) => ({ ...SUIT01_CASES.cases[i % SUIT01_CASES.cases.length], name: `case ${i}` })) } }
  const validating = post(app, allowed)
  const hooks = await Promise.all(Array.from({ length: 20 }, async () => await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: order })))
  t.same(hooks.map((h) => h.statusCode), hooks.map(() => 200), 'hook calls answered meanwhile')
  const report = (await validating).json()
  t.equal(report.cases.passed, 50, 'and the validation completes with all its cases')
})

await t.test('a call in flight finishes on the catalog it started with', async (t) => {
  const request = readJson(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`)
  const medications = request.prefetch.medications
  delete request.prefetch.medications
  const catalog = bundledCatalog()
  const allOff = compileCatalog({ ...catalog.content, rules: catalog.content.rules.map((rc) => ({ ...rc, rule: { ...rc.rule, enabled: false } })) }, 'all-off', NOW)
  let swapped = false
  const holder: { swap?: () => void } = {}
  const { app, catalogs } = await testApp(t, {
    fetcher: {
      fetch: async ({ queries }) => {
        holder.swap?.() // the reload lands while this call waits for the FHIR server
        swapped = true
        return new Map(queries.map((q) => [q.key, q.key === 'medications' ? medications : { resourceType: 'Bundle', type: 'searchset', entry: [] }]))
      }
    }
  })
  holder.swap = () => { catalogs.swap(allOff) }
  const res = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: request })
  t.ok(swapped, 'the swap happened mid-call')
  t.equal(catalogs.current(), allOff)
  t.ok(res.json().cards.some((c: any) => c.extension['org.facet-pt-cds'].rule === 'SAFE-01'), 'cards from the catalog the call started with')
  holder.swap = undefined
  const after = await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: request })
  t.same(after.json().cards, [], 'the next call runs on the new catalog')
})

await t.test('RULES_WATCH reloads after a file changes', async (t) => {
  const dir = rulesCopy(t)
  const { catalogs } = await testApp(t, {
    config: { RULES_DIR: dir, RULES_WATCH: true },
    catalog: loadCatalog(dir, NOW)
  })
  const before = catalogs.current().hash
  const file = join(dir, 'safety/SAFE-02.rule.json')
  writeFileSync(file, readFileSync(file, 'utf8').replace(/"version": "[^"]+"/, '"version": "9.9.9"'))
  // Wait for the debounced reload, which runs every rule case (about 5 s here, several times that on a
  // loaded CI machine); bounded at 2 minutes so a broken watcher fails rather than hangs.
  for (let i = 0; i < 1200 && catalogs.current().hash === before; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.not(catalogs.current().hash, before, 'the watcher swapped the new catalog in')
  t.equal(catalogs.current().content.rules.find((r) => r.rule.id === 'SAFE-02')?.rule.version, '9.9.9')
})
