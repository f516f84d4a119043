// POST /rules/what-if: records evaluated with the catalog in force and with an edited rule or
// parameter value, side by side; invalid edits refused (422, located); the catalog never changes.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { FIXTURES, RULES_DIR, testApp } from '../helper.js'

const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'))
const ORDER_SELECT = readJson(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`)
const PATIENT_VIEW = readJson(`${FIXTURES}requests/patient-view-rfa-30-days-no-pt.json`)
const JWT_ISSUERS = JSON.stringify({ 'https://ehr.example': 'https://ehr.example/.well-known/jwks.json' })

const records = [
  { name: 'order-select', input: ORDER_SELECT },
  { name: 'patient-view', input: PATIENT_VIEW },
  { name: 'broken', input: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'p' } }, { nope: 1 }] } }
]

await t.test('without an edit both sides are the catalog in force; a broken record is located and the others run', async (t) => {
  const { app, catalogs } = await testApp(t)
  const res = await app.inject({ method: 'POST', url: '/rules/what-if', payload: { records } })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.catalog, catalogs.current().hash)
  t.same(body.records.map((r: any) => r.name), ['order-select', 'patient-view', 'broken'])
  const [order, view, broken] = body.records
  t.ok(order.inForce.length > 0 && view.inForce.length > 0, 'cards from a hook request and from a Bundle-less patient-view capture')
  t.same(order.edited, order.inForce)
  t.equal(order.changed, false)
  t.match(broken, { inForce: [], edited: [], changed: false, error: /^Bundle\.entry\[1\]\.resource: / })
  t.ok(body.counts.length > 0)
  for (const c of body.counts) t.equal(c.inForce, c.edited)
  const ids = body.counts.map((c: any) => c.rule)
  t.same(ids, [...ids].sort(), 'counts sorted by rule id')
})

await t.test('an edited parameter or rule changes the edited side only, and the catalog in force stays', async (t) => {
  const { app, catalogs } = await testApp(t)
  const before = catalogs.current()
  const inForce = (await app.inject({ method: 'POST', url: '/rules/what-if', payload: { records } })).json()
  const fired = inForce.records[0].inForce.map((c: any) => c.extension['org.facet-pt-cds'].rule) as string[]
  const target = fired.find((id) => id.startsWith('SAFE-01'))
  t.ok(target, 'SAFE-01 fires on the apixaban MBB order')
  // The rule switched off in the edit: its cards disappear on the edited side only.
  const file = readFileSync(`${RULES_DIR}safety/SAFE-01.rule.json`, 'utf8')
  const rule = { ...JSON.parse(file), enabled: false }
  const res = await app.inject({ method: 'POST', url: '/rules/what-if', payload: { records, rule } })
  t.equal(res.statusCode, 200)
  const body = res.json()
  const [order] = body.records
  t.equal(order.changed, true)
  t.ok(order.inForce.some((c: any) => c.extension['org.facet-pt-cds'].rule === 'SAFE-01'))
  t.notOk(order.edited.some((c: any) => c.extension['org.facet-pt-cds'].rule === 'SAFE-01'))
  t.equal(body.records[1].changed, false, 'the patient-view record does not change')
  const safe = body.counts.filter((c: any) => c.rule === 'SAFE-01')
  t.ok(safe.length > 0 && safe.every((c: any) => c.inForce > 0 && c.edited === 0), 'counts show the difference')
  t.equal(catalogs.current(), before, 'the catalog in force is never changed')
  const after = (await app.inject({ method: 'POST', url: '/evaluate', payload: ORDER_SELECT })).json()
  t.ok(after.cards.some((c: any) => c.extension['org.facet-pt-cds'].rule === 'SAFE-01'), 'evaluation still uses the catalog in force')
})

await t.test('an edited parameter value changes the cards it drives', async (t) => {
  const { app } = await testApp(t)
  // SUIT-03(b) flags a latest pain score below MIN_PAIN_NRS: a bar of 11/10 makes it fire on the order.
  const res = await app.inject({ method: 'POST', url: '/rules/what-if', payload: { records: records.slice(0, 1), parameters: { MIN_PAIN_NRS: 11 } } })
  t.equal(res.statusCode, 200)
  const [order] = res.json().records
  const suit03 = (cards: any[]): number => cards.filter((c) => c.extension['org.facet-pt-cds'].rule === 'SUIT-03').length
  t.equal(order.changed, true)
  t.equal(suit03(order.inForce), 0)
  t.equal(suit03(order.edited), 1, 'SUIT-03 fires on the edited side only')
})

await t.test('invalid edits are refused with located problems (422)', async (t) => {
  const { app } = await testApp(t)
  const post = async (payload: Record<string, unknown>): Promise<any> => await app.inject({ method: 'POST', url: '/rules/what-if', payload })
  const unknownParam = await post({ records, parameters: { PAIN_SCORE_LOOKBAK_DAYS: 30 } })
  t.equal(unknownParam.statusCode, 422)
  t.match(unknownParam.json().issue[0], { expression: ['parameters.PAIN_SCORE_LOOKBAK_DAYS'], diagnostics: /unknown parameter/ })
  const wrongType = await post({ records, parameters: { PAIN_SCORE_LOOKBACK_DAYS: 'thirty' } })
  t.equal(wrongType.statusCode, 422)
  t.match(wrongType.json().issue[0], { expression: ['parameters.PAIN_SCORE_LOOKBACK_DAYS'], diagnostics: /must be a number/ })
  const rule = readJson(`${RULES_DIR}suitability/SUIT-01.rule.json`)
  const leaf = rule.conditions.all[0]
  const badRule = await post({ records, rule: { ...rule, conditions: { all: [{ ...leaf, fact: 'latestPainScor' }, ...rule.conditions.all.slice(1)] } } })
  t.equal(badRule.statusCode, 422)
  const issue = badRule.json().issue[0]
  t.match(issue.expression[0], /^rule#\/conditions\/all\/0/)
  t.match(issue.diagnostics, /^suitability\/SUIT-01\.rule\.json \[SUIT-01\] \/conditions\/all\/0\S*: unknown fact "latestPainScor"/, 'the text rules check gives')
  const badOptions = await post({ records, now: 'yesterday' })
  t.equal(badOptions.statusCode, 400)
  t.equal(badOptions.json().issue[0].expression[0], 'now')
  const tooMany = await post({ records: Array.from({ length: 201 }, (_, i) => ({ name: `r${i}`, input: {} })) })
  t.equal(tooMany.statusCode, 400)
  t.equal(tooMany.json().issue[0].expression[0], 'records')
})

await t.test('under AUTH_MODE=jwt what-if needs the admin token', async (t) => {
  const { app } = await testApp(t, { config: { AUTH_MODE: 'jwt', ADMIN_TOKEN: 's3cret-admin-token', TRUSTED_ISSUERS: JWT_ISSUERS } })
  const payload = { records: records.slice(1, 2) }
  t.equal((await app.inject({ method: 'POST', url: '/rules/what-if', payload })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: '/rules/what-if', payload: { records: [] } })).statusCode, 401, 'refused before the body is checked')
  const ok = await app.inject({ method: 'POST', url: '/rules/what-if', payload, headers: { authorization: 'Bearer s3cret-admin-token' } })
  t.equal(ok.statusCode, 200)
})
