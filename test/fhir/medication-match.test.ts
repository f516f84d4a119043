// The one medication-matching mechanism (src/fhir/medication-match.ts) and the record reader built
// on it (src/rules/facts/medication-records.ts).

import t from 'tap'
import { evaluationTime } from '../../src/fhir/dates.js'
import { describeMatch, matchMedication, matchMedicationConcept } from '../../src/fhir/medication-match.js'
import { EvaluationRecord } from '../../src/fhir/record.js'
import type { Resource } from '../../src/fhir/resource.js'
import type { ValueSet } from '../../src/fhir/valueset.js'
import { isLocalRoute, medicationPeriod, medications } from '../../src/rules/facts/medication-records.js'
import { summaryList } from '../../src/rules/facts/medication-facts.js'
import { bundledCatalog, NOW } from '../helper.js'

const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm'
const catalog = bundledCatalog()
const vs = (id: string): ValueSet => {
  const v = catalog.valueSets.get(id)
  if (v === undefined) throw new Error(`no value set ${id}`)
  return v
}
const anti = vs('antithrombotics')
const subject = { reference: 'Patient/p1' }
const request = (extra: Record<string, unknown>): Resource => ({ resourceType: 'MedicationRequest', id: 'm1', status: 'active', intent: 'order', subject, authoredOn: '2026-10-01', ...extra })
const recordOf = (resources: Resource[]): EvaluationRecord => new EvaluationRecord({
  patientId: 'p1', resources: [{ resourceType: 'Patient', id: 'p1' }, ...resources], draftOrders: [], selections: [], unavailableTypes: new Set(), time: evaluationTime(NOW)
})

await t.test('ingredient code matches with basis code', async (t) => {
  const m = matchMedicationConcept({ coding: [{ system: RX, code: '1364430', display: 'apixaban' }] }, anti)
  t.equal(m?.drug, 'apixaban')
  t.equal(m?.basis, 'code')
  t.equal(m?.ingredient.properties.class, 'anticoagulant')
})

await t.test('a listed product code (1364445 apixaban 5 MG Oral Tablet) rolls up to its ingredient', async (t) => {
  const m = matchMedicationConcept({ coding: [{ system: RX, code: '1364445', display: 'apixaban 5 MG Oral Tablet' }] }, anti)
  t.equal(m?.basis, 'product')
  t.equal(m?.drug, 'apixaban')
  t.equal(m?.ingredient.code, '1364430', 'properties of the ingredient concept, with its hold windows')
  t.equal(m?.ingredient.properties.holdAsra, '3 days')
})

await t.test('a code match wins over a name in the same concept; the same code in another system does not match', async (t) => {
  const m = matchMedicationConcept({ coding: [{ system: RX, code: '32968', display: 'Eliquis' }] }, anti)
  t.equal(m?.drug, 'clopidogrel')
  t.equal(m?.basis, 'code')
  t.equal(matchMedicationConcept({ coding: [{ system: 'http://snomed.info/sct', code: '1364430' }] }, anti), undefined)
})

await t.test('contained Medication with a local code and the brand name "Eliquis"', async (t) => {
  const r = request({
    contained: [{ resourceType: 'Medication', id: 'med', code: { coding: [{ system: 'urn:oid:1.2.3.4', code: 'LOCAL-778', display: 'ELIQUIS 5MG TAB' }] } }],
    medicationReference: { reference: '#med' }
  })
  const m = matchMedication(r, anti, recordOf([r]))
  t.equal(m?.drug, 'apixaban')
  t.equal(m?.basis, 'name')
  t.equal(m?.text, 'ELIQUIS 5MG TAB')
  t.equal(describeMatch(m!), "apixaban (matched by name: 'ELIQUIS 5MG TAB')")
})

await t.test('referenced Medication: its code, then its ingredients (itemCodeableConcept, itemReference one level)', async (t) => {
  const byCode: Resource = { resourceType: 'Medication', id: 'a', code: { coding: [{ system: RX, code: '1364445' }] } }
  const byIngredient: Resource = { resourceType: 'Medication', id: 'b', code: { text: 'Compounded' }, ingredient: [{ itemCodeableConcept: { coding: [{ system: RX, code: '11289' }] } }] }
  const inner: Resource = { resourceType: 'Medication', id: 'c', code: { coding: [{ system: RX, code: '32968' }] } }
  const byItemRef: Resource = { resourceType: 'Medication', id: 'd', ingredient: [{ itemReference: { reference: 'Medication/c' } }] }
  const rec = recordOf([byCode, byIngredient, inner, byItemRef])
  const ref = (id: string): Resource => request({ medicationReference: { reference: `Medication/${id}` } })
  t.match(matchMedication(ref('a'), anti, rec), { drug: 'apixaban', basis: 'reference' })
  t.match(matchMedication(ref('b'), anti, rec), { drug: 'warfarin', basis: 'reference' })
  t.match(matchMedication(ref('d'), anti, rec), { drug: 'clopidogrel', basis: 'reference' })
  t.equal(matchMedication(ref('missing'), anti, rec), undefined, 'an unresolvable reference matches nothing')
})

await t.test('text-only medication "Eliquis 5mg" and an unlisted product display match by name', async (t) => {
  t.match(matchMedicationConcept({ text: 'Eliquis 5mg' }, anti), { drug: 'apixaban', basis: 'name', text: 'Eliquis 5mg' })
  t.match(matchMedicationConcept({ coding: [{ system: RX, code: '1232086', display: 'rivaroxaban 20 MG Oral Tablet [Xarelto]' }] }, anti),
    { drug: 'rivaroxaban', basis: 'name' })
  t.match(matchMedicationConcept({ text: 'IBUPROFEN 400 MG TAB' }, vs('conservative-care-medications')), { drug: 'ibuprofen', basis: 'name' })
  t.match(matchMedicationConcept({ text: 'Depo-Medrol 40 mg/mL' }, vs('corticosteroids')), { drug: 'methylprednisolone', basis: 'name' })
})

await t.test('whole words only, case-insensitive', async (t) => {
  t.equal(matchMedicationConcept({ text: 'aspirinate' }, anti), undefined, '"aspirinate" is not aspirin')
  t.equal(matchMedicationConcept({ text: 'Eliquisx 5 mg' }, anti), undefined)
  t.match(matchMedicationConcept({ text: 'low-dose ASPIRIN 81mg' }, anti), { drug: 'aspirin', ingredient: { properties: { class: 'aspirin' } } })
  t.match(matchMedicationConcept({ text: '(aspirin)' }, anti), { drug: 'aspirin' })
})

await t.test('heparin flush or lock never matches by name', async (t) => {
  t.equal(matchMedicationConcept({ text: 'Heparin lock flush 10 units/mL' }, anti), undefined)
  t.equal(matchMedicationConcept({ text: 'heparin 100 unit/mL flush syringe' }, anti), undefined)
  t.match(matchMedicationConcept({ text: 'heparin 5000 units SC' }, anti), { drug: 'heparin', basis: 'name' })
})

await t.test('an injectate CodeableConcept (Procedure.usedCode / ServiceRequest.orderDetail list) is matched the same way', async (t) => {
  const steroids = vs('corticosteroids')
  t.match(matchMedicationConcept([{ text: 'lidocaine 1%' }, { coding: [{ system: RX, code: '10759' }] }], steroids), { drug: 'triamcinolone', basis: 'code' })
  t.match(matchMedicationConcept([{ text: 'Kenalog-40 40 mg' }], steroids), { drug: 'triamcinolone', basis: 'name' })
  t.equal(matchMedicationConcept([{ text: 'bupivacaine 0.25%' }], steroids), undefined)
  t.equal(matchMedicationConcept(undefined, steroids), undefined)
})

await t.test('medication matching is never applied to Conditions, Observations or Procedures', async (t) => {
  const cond: Resource = { resourceType: 'Condition', id: 'c1', subject, code: { coding: [{ system: RX, code: '1191' }], text: 'aspirin allergy' } }
  const proc: Resource = { resourceType: 'Procedure', id: 'p1', status: 'completed', subject, code: { text: 'Eliquis teaching' } }
  const obs: Resource = { resourceType: 'Observation', id: 'o1', status: 'final', subject, code: { text: 'warfarin level' } }
  const rec = recordOf([cond, proc, obs])
  t.same(medications(rec, anti), [], 'the record reader reads MedicationRequest/MedicationStatement only')
  t.equal(matchMedication(cond, anti, rec), undefined, 'a Condition has no medication member to match')
})

await t.test('the record reader: statuses, draft orders and basis', async (t) => {
  const ok = request({ id: 'a', medicationCodeableConcept: { text: 'Xarelto 20 mg' } })
  const cancelled = request({ id: 'b', status: 'cancelled', medicationCodeableConcept: { coding: [{ system: RX, code: '11289' }] } })
  const statement: Resource = { resourceType: 'MedicationStatement', id: 'c', status: 'active', subject, medicationCodeableConcept: { coding: [{ system: RX, code: '1364435' }] }, effectiveDateTime: '2026-11-01' }
  const rec = recordOf([ok, cancelled, statement])
  t.same(medications(rec, anti).map((h) => [h.resource.id, h.med.drug, h.med.basis]), [['a', 'rivaroxaban', 'name'], ['c', 'apixaban', 'product']])
})

await t.test('every listed product code rolls up to an ingredient of its own value set', async (t) => {
  for (const v of catalog.valueSets.values()) {
    for (const c of v.concepts) {
      const ing = c.properties?.ingredient
      if (typeof ing !== 'string') continue
      t.ok(v.concepts.some((x) => x.code === ing && x.system === c.system && x.properties?.ingredient === undefined), `${v.id} ${c.code} → ${ing}`)
    }
  }
})

await t.test('route and period readings', async (t) => {
  const abx = vs('systemic-antibiotics')
  const rec = recordOf([
    request({ id: 'eye', medicationCodeableConcept: { coding: [{ system: RX, code: '2551', display: 'ciprofloxacin 3 MG/ML Ophthalmic Solution' }] } }),
    request({ id: 'top', medicationCodeableConcept: { coding: [{ system: RX, code: '2582' }] }, dosageInstruction: [{ route: { coding: [{ system: 'http://snomed.info/sct', code: '6064005' }] } }] }),
    request({ id: 'oral', medicationCodeableConcept: { coding: [{ system: RX, code: '723' }] }, dosageInstruction: [{ route: { text: 'by mouth' } }] })
  ])
  t.same(medications(rec, abx).filter((h) => !isLocalRoute(h)).map((h) => h.resource.id), ['oral'])
  const day = (s: string): number => Date.parse(s) / 86_400_000
  t.same(medicationPeriod(request({ dispenseRequest: { validityPeriod: { start: '2026-09-01', end: '2026-09-30' } }, authoredOn: undefined, status: 'completed' }), day('2026-11-29')),
    { start: day('2026-09-01'), end: day('2026-09-30') })
  t.same(medicationPeriod(request({ dispenseRequest: { expectedSupplyDuration: { value: 30, code: 'd' } }, status: 'completed' }), day('2026-11-29')),
    { start: day('2026-10-01'), end: day('2026-10-31') })
  t.same(medicationPeriod(request({ status: 'active' }), day('2026-11-29')), { start: day('2026-10-01'), end: day('2026-11-29') }, 'open active: to now')
  t.same(medicationPeriod(request({ status: 'stopped' }), day('2026-11-29')), { start: day('2026-10-01'), end: day('2026-10-01') }, 'no end: start day only')
})

await t.test('summary drug lists: at most 2 names of ≤ 20 characters, then "and N more"', async (t) => {
  t.equal(summaryList(['apixaban']), 'apixaban')
  t.equal(summaryList(['apixaban', 'clopidogrel']), 'apixaban and clopidogrel')
  t.equal(summaryList(['apixaban', 'clopidogrel', 'heparin', 'warfarin']), 'apixaban, clopidogrel and 2 more')
  t.equal(summaryList(['dabigatran etexilate mesylate']), 'dabigatran etexilat…')
  t.equal(summaryList(['dabigatran etexilate mesylate'])!.length, 20)
})
