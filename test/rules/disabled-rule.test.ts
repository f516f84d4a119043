// A rule shipped off (GOV-01, enabled: false) never fires in a real evaluation, while its own
// cases still run: the case runner switches on only the rule under test.

import { fileURLToPath } from 'node:url'
import t from 'tap'
import { evaluateRecord } from '../../src/cds/evaluate.js'
import { loadCatalog } from '../../src/rules/catalog.js'
import { runCase, withRuleEnabled } from '../../src/authoring/case-runner.js'

const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url))
const catalog = loadCatalog(RULES_DIR, new Date('2026-11-29T10:00:00Z'))
const gov = catalog.content.rules.find((rc) => rc.rule.id === 'GOV-01')

const firstOrder = {
  patientId: 'p1',
  resources: [{ resourceType: 'Patient', id: 'p1', birthDate: '1970-01-01' }],
  draftOrders: [{ resourceType: 'ServiceRequest', id: 'o1', status: 'draft', intent: 'order', subject: { reference: 'Patient/p1' }, code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64493' }] } }]
}
const deps = (c = catalog) => ({ catalog: c, now: new Date('2026-11-29T10:00:00Z'), newId: () => 'id' })

await t.test('GOV-01 ships disabled and stays silent in a real evaluation', async (t) => {
  t.equal(gov?.rule.enabled, false)
  const { cards } = await evaluateRecord('order-select', firstOrder, deps())
  t.notOk(cards.some((c) => c.source.topic?.code === 'GOV-01'), 'no GOV-01 card when disabled')
})

await t.test('a site that enables GOV-01 gets the card; the catalog itself is not changed', async (t) => {
  const enabled = withRuleEnabled(catalog, 'GOV-01')
  t.not(enabled, catalog)
  const { cards } = await evaluateRecord('order-select', firstOrder, deps(enabled))
  t.ok(cards.some((c) => c.source.topic?.code === 'GOV-01'), 'GOV-01 card when enabled')
  t.equal(catalog.content.rules.find((rc) => rc.rule.id === 'GOV-01')?.rule.enabled, false, 'original catalog untouched')
  t.equal(withRuleEnabled(catalog, 'SUIT-01'), catalog, 'an enabled rule needs no change')
})

await t.test('the cases of the disabled rule run and pass', async (t) => {
  t.ok(gov?.cases !== undefined && gov.cases.cases.some((c) => c.expect.fires), 'GOV-01 has firing cases')
  for (const c of gov?.cases?.cases ?? []) {
    const r = await runCase(catalog, gov!, c)
    t.equal(r.status, 'pass', `${c.name}: ${r.message ?? ''}`)
  }
})
