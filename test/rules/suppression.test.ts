// `suppressedBy` (rules/README.md): a rule or a single variant stands down when a listed rule
// (any variant) or variant (`RULE/variant`) fired in the same call, e.g. PT-02 stands down for
// ESC-02(a) (focal motor deficit) but not for ESC-02(b) (radiculopathy alone), and ESC-02(b)
// stands down for ESC-02(a) through its own variant-level list.

import { fileURLToPath } from 'node:url'
import t from 'tap'
import { evaluateRecord, type RecordInputs } from '../../src/cds/evaluate.js'
import type { Resource } from '../../src/fhir/resource.js'
import { explainRun } from '../../src/cds/explain.js'
import { loadCatalog } from '../../src/rules/catalog.js'
import { checkCatalog } from '../../src/rules/catalog-check.js'

const RULES_DIR = fileURLToPath(new URL('../../rules/', import.meta.url))
const now = new Date('2026-11-29T10:00:00Z')
const catalog = loadCatalog(RULES_DIR, now)
const deps = { catalog, now, newId: () => 'id' }
const day = (n: number): string => new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10)
const subject = { reference: 'Patient/p1' }
const rfa = { resourceType: 'Procedure', id: 'rfa', status: 'completed', subject, code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64635' }] }, performedDateTime: day(30) }
const condition = (id: string, code: string, onset: string): Resource => ({
  resourceType: 'Condition',
  id,
  subject,
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code }] },
  onsetDateTime: onset,
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] }
})
const record = (...extra: Resource[]): RecordInputs => ({
  patientId: 'p1', resources: [{ resourceType: 'Patient', id: 'p1', birthDate: '1970-01-01' }, rfa, ...extra], draftOrders: []
})
const codes = async (r: ReturnType<typeof record>): Promise<string[]> => {
  const { cards } = await evaluateRecord('patient-view', r, deps)
  return cards.map((c) => `${c.source.topic?.code}${String((c.extension as Record<string, { variant?: string }> | undefined)?.['org.facet-pt-cds']?.variant ?? '')}`)
}

await t.test('PT-02 fires with no escalation', async (t) => {
  t.ok((await codes(record())).some((c) => c.startsWith('PT-02')))
})

await t.test('ESC-02(b) alone does not silence PT-02 (rule-level "ESC-02/a" entry)', async (t) => {
  const fired = await codes(record(condition('rad', 'M54.16', day(5))))
  t.ok(fired.includes('ESC-02b'), 'ESC-02(b) fires')
  t.ok(fired.some((c) => c.startsWith('PT-02')), 'PT-02 still fires')
})

await t.test('ESC-02(a) silences PT-02 and, through its variant-level entry, ESC-02(b)', async (t) => {
  const r = record(condition('fd', 'M21.371', day(5)), condition('rad', 'M54.16', day(5)))
  const fired = await codes(r)
  t.ok(fired.includes('ESC-02a'), 'ESC-02(a) fires')
  t.notOk(fired.includes('ESC-02b'), 'ESC-02(b) stands down')
  t.notOk(fired.some((c) => c.startsWith('PT-02')), 'PT-02 stands down')
  const { run } = await evaluateRecord('patient-view', r, deps)
  const outcome = (key: string) => explainRun(run).variants.find((v) => v.key === key)?.outcome
  t.equal(outcome('ESC-02/b'), 'suppressed', 'explain shows ESC-02(b) suppressed')
  t.equal(outcome('PT-02/a'), 'suppressed', 'explain shows PT-02(a) suppressed')
  t.same(run.outcomes.find((o) => o.variant.key === 'PT-02/a')?.suppressedBy, ['ESC-02/a'], 'by the variant, not the rule')
})

await t.test('a suppressedBy entry naming an unknown variant is a catalog problem', async (t) => {
  const content = structuredClone(catalog.content)
  const pt02 = content.rules.find((rc) => rc.rule.id === 'PT-02')!
  pt02.rule.suppressedBy = ['ESC-02/z']
  const problems = checkCatalog(content)
  t.ok(problems.some((p) => p.rule === 'PT-02' && /unknown rule or variant "ESC-02\/z"/.test(p.message)))
})
