// GET /rules/{id}: one rule as loaded, its cases file and the results of its cases against the
// catalog in force (run once per catalog hash in the worker); 404 with did-you-mean.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { compileCatalog } from '../../src/rules/catalog.js'
import { NOW, RULES_DIR, bundledCatalog, testApp } from '../helper.js'

const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'))

await t.test('a rule with its cases and their results', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({ method: 'GET', url: '/rules/SAFE-01' })
  t.equal(res.statusCode, 200)
  const body = res.json()
  const cases = readJson(`${RULES_DIR}safety/SAFE-01.cases.json`)
  t.equal(body.id, 'SAFE-01')
  t.equal(body.file, 'safety/SAFE-01.rule.json')
  t.same(body.rule, bundledCatalog().content.rules.find((r) => r.rule.id === 'SAFE-01')?.rule, 'the rule as loaded')
  t.equal(body.rule.version, readJson(`${RULES_DIR}safety/SAFE-01.rule.json`).version)
  t.same(body.cases, cases)
  t.same(body.results.map((r: any) => r.name), cases.cases.map((c: any) => c.name))
  t.ok(body.results.every((r: any) => r.passed && r.status === 'pass'), 'every bundled case passes')
})

await t.test('a failing case shows as failed with its message', async (t) => {
  const content = structuredClone(bundledCatalog().content)
  const rc = content.rules.find((r) => r.rule.id === 'SUIT-01')
  const first = rc?.cases?.cases[0]
  if (first === undefined) throw new Error('SUIT-01 has cases')
  first.expect = { ...first.expect, fires: !first.expect.fires }
  const { app } = await testApp(t, { catalog: compileCatalog(content, 'broken-case', NOW) })
  const body = (await app.inject({ method: 'GET', url: '/rules/SUIT-01' })).json()
  t.match(body.results[0], { name: first.name, passed: false, status: 'fail', message: /expected/ })
  t.ok(body.results.slice(1).every((r: any) => r.passed))
})

await t.test('an unknown rule is a 404 with a suggestion', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({ method: 'GET', url: '/rules/SAFE-1' })
  t.equal(res.statusCode, 404)
  t.match(res.json(), { resourceType: 'OperationOutcome', issue: [{ code: 'not-found', expression: ['id'], diagnostics: /unknown rule "SAFE-1" \(did you mean "SAFE-0\d"\?\)/ }] })
})
