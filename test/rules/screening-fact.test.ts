import t from 'tap'
import { evaluationTime } from '../../src/fhir/dates.js'
import { EvaluationRecord } from '../../src/fhir/record.js'
import type { Resource } from '../../src/fhir/resource.js'
import type { ValueSet } from '../../src/fhir/valueset.js'
import { screeningStatusFact } from '../../src/rules/facts/screening-facts.js'
import { bundledCatalog } from '../helper.js'

const NOW = new Date('2026-11-29T10:00:00Z')
const day = (n: number): string => new Date(NOW.getTime() - n * 86_400_000).toISOString().slice(0, 10)
const obs = (
  id: string,
  code: string,
  value: number,
  daysAgo: number,
  extra: Record<string, unknown> = {}
): Resource => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  subject: { reference: 'Patient/p' },
  code: { coding: [{ system: 'http://loinc.org', code }] },
  effectiveDateTime: day(daysAgo),
  valueQuantity: { value, system: 'http://unitsofmeasure.org', code: '{score}' },
  ...extra
})
const status = (resources: Resource[], lookbackDays = 365): any => {
  const record = new EvaluationRecord({ patientId: 'p', resources: [{ resourceType: 'Patient', id: 'p' }, ...resources], draftOrders: [], selections: [], unavailableTypes: new Set(), time: evaluationTime(NOW) })
  const catalog = bundledCatalog()
  const valueSet = (id: string): ValueSet => catalog.valueSets.get(id)!
  return screeningStatusFact.compute(
    { record, order: undefined, valueSet, parameters: catalog.profiles.get(catalog.defaultProfile)!.parameters },
    { lookbackDays }
  )
}

await t.test('none on file: a prompt to screen for both', async (t) => {
  t.match(status([]), { found: false, text: 'none recorded in 12 months: consider screening for depression and anxiety', missing: ['depression', 'anxiety'] })
  t.match(status([], 90), { text: 'none recorded in 90 days: consider screening for depression and anxiety' }, 'the window in days when not whole years')
})

await t.test('the latest total of each questionnaire within the window', async (t) => {
  const s = status([obs('a', '44261-6', 20, 300), obs('b', '44261-6', 7, 20), obs('c', '70274-6', 12, 365)])
  t.equal(s.text, `PHQ-9 total 7 on ${day(20)}; GAD-7 total 12 on ${day(365)}`, 'exactly 365 days ago is inside')
  t.same(s.missing, [])
  t.equal(status([obs('c', '70274-6', 12, 366)]).found, false, '366 days ago is outside')
  t.equal(status([obs('a', '44261-6', 14, 3)]).text, `PHQ-9 total 14 on ${day(3)}; GAD-7 none recorded in 12 months (consider screening for anxiety)`)
})

await t.test('only final readings in a score unit count', async (t) => {
  t.equal(status([obs('a', '44261-6', 14, 3, { status: 'preliminary' })]).found, false, 'preliminary')
  t.equal(status([obs('a', '44261-6', 14, 3, { valueQuantity: { value: 14, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } })]).found, false, 'unknown unit')
  t.equal(status([obs('a', '44261-6', 14, 3, { valueQuantity: { value: 14 } })]).found, true, 'no unit reads as a score')
})
