// Cards that depend on an inferred facet intent say so (revision 2): the detail begins with
// "Procedure intent inferred: …" and the extension carries intentBasis; explain shows the order's
// basis; a per-variant suppressedBy ("SUIT-10/b1") stands a rule down for that variant only.

import t from 'tap'
import { evaluateRecord } from '../../src/cds/evaluate.js'
import { explainRun } from '../../src/cds/explain.js'
import type { Resource } from '../../src/fhir/resource.js'
import { NOW, bundledCatalog } from '../helper.js'

const CPT = 'http://www.ama-assn.org/go/cpt'
const subject = { reference: 'Patient/p1' }
const patient: Resource = { resourceType: 'Patient', id: 'p1', birthDate: '1960-01-01' }
const order = (c: string, extra: Record<string, unknown> = {}): Resource =>
  ({ resourceType: 'ServiceRequest', id: `o-${c}`, status: 'draft', intent: 'order', subject, code: { coding: [{ system: CPT, code: c }] }, ...extra })
const proc = (id: string, c: string, date: string, extra: Record<string, unknown> = {}): Resource =>
  ({ resourceType: 'Procedure', id, status: 'completed', subject, code: { coding: [{ system: CPT, code: c }] }, performedDateTime: date, ...extra })
const deps = (profile?: string) => ({ catalog: bundledCatalog(), now: NOW, newId: () => 'id', ...(profile === undefined ? {} : { profile }) })

async function run (resources: Resource[], drafts: Resource[], profile?: string) {
  return await evaluateRecord('order-select', { patientId: 'p1', resources: [patient, ...resources], draftOrders: drafts }, deps(profile))
}

await t.test('an inferred order intent: the card says so first and carries intentBasis inferred', async (t) => {
  const { cards, run: r } = await run([proc('p', '64493', '2026-11-22')], [order('64493')])
  const card = cards.find((c) => c.source.topic?.code === 'SUIT-08')
  t.ok(card, 'SUIT-08 fires: second inferred diagnostic block 7 days after the first')
  t.match(card?.detail, /^Procedure intent inferred: diagnostic \(1 earlier diagnostic block in the 365 days before it, fewer than the 2 required\)\. Record the intent on the order if this is not right\.\n\n/)
  t.equal(card?.extension['org.facet-pt-cds'].intentBasis, 'inferred')
  const suit01 = cards.find((c) => c.source.topic?.code === 'SUIT-01')
  t.ok(suit01, 'SUIT-01 fires too (no pain score)')
  t.notMatch(suit01?.detail, /Procedure intent inferred/, 'a card that does not depend on the intent says nothing about it')
  t.equal(suit01?.extension['org.facet-pt-cds'].intentBasis, undefined)
  const v = explainRun(r).variants.find((x) => x.key === 'SUIT-08')
  t.match(v?.order, { type: 'diagnostic', intentBasis: 'inferred', side: 'unknown' })
})

await t.test('a rule that reads the order only for its region (SAFE-01) carries no intent basis', async (t) => {
  const apixaban: Resource = { resourceType: 'MedicationRequest', id: 'm1', status: 'active', intent: 'order', subject, medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '1364430' }] } }
  const { cards } = await run([apixaban], [order('64490')])
  const card = cards.find((c) => c.source.topic?.code === 'SAFE-01')
  t.ok(card, 'SAFE-01 fires for apixaban with a cervical order')
  t.equal(card?.extension['org.facet-pt-cds'].intentBasis, undefined)
  t.notMatch(card?.detail, /Procedure intent inferred/)
})

await t.test('an explicit intent: no sentence, intentBasis explicit', async (t) => {
  const intent = { category: [{ coding: [{ system: 'urn:facet-pt-cds:procedure-intent', code: 'diagnostic' }] }] }
  const { cards } = await run([proc('p', '64493', '2026-11-22', { category: intent.category[0] })], [order('64493', intent)])
  const card = cards.find((c) => c.source.topic?.code === 'SUIT-08')
  t.notMatch(card?.detail, /Procedure intent inferred/)
  t.equal(card?.extension['org.facet-pt-cds'].intentBasis, 'explicit')
})

await t.test('the evidence profile drives inference: consensus_2020 needs one block, so the next IA/MBB is therapeutic', async (t) => {
  const history = [proc('p', '64493', '2026-11-22')]
  const lcd = await run(history, [order('64493')])
  const consensus = await run(history, [order('64493')], 'consensus_2020')
  t.ok(lcd.cards.some((c) => c.source.topic?.code === 'SUIT-08'), 'medicare_lcd: still diagnostic, too soon after the first block')
  t.notOk(consensus.cards.some((c) => c.source.topic?.code === 'SUIT-08'), 'consensus_2020: therapeutic, no earlier therapeutic session')
})

await t.test('SUIT-12 stands down for SUIT-10(b1), not for SUIT-10(a2)', async (t) => {
  const b1 = await run([proc('r', '64635', '2026-05-13')], [order('64635')])
  const suit12 = b1.run.outcomes.find((o) => o.key === 'SUIT-12')
  t.equal(suit12?.outcome, 'suppressed')
  t.same(suit12?.suppressedBy, ['SUIT-10/b1'])
  const intent = { category: [{ coding: [{ system: 'urn:facet-pt-cds:procedure-intent', code: 'diagnostic' }] }] }
  const blocks = ['2026-01-10', '2026-02-10'].flatMap((d, i) => [
    proc(`b${i}`, '64493', `${d}T09:00:00Z`, { category: intent.category[0] }),
    { resourceType: 'Observation', id: `pre${i}`, status: 'final', subject, code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] }, effectiveDateTime: `${d}T08:00:00Z`, valueQuantity: { value: 8, code: '{score}' }, partOf: [{ reference: `Procedure/b${i}` }] },
    { resourceType: 'Observation', id: `post${i}`, status: 'final', subject, code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] }, effectiveDateTime: `${d}T11:00:00Z`, valueQuantity: { value: 1, code: '{score}' }, partOf: [{ reference: `Procedure/b${i}` }] }
  ])
  const a2 = await run([...blocks, proc('r', '64635', '2026-05-13')], [order('64493')])
  t.equal(a2.run.outcomes.find((o) => o.key === 'SUIT-10/a2')?.outcome, 'fired')
  t.equal(a2.run.outcomes.find((o) => o.key === 'SUIT-10/a1')?.outcome, 'not-fired')
  t.equal(a2.run.outcomes.find((o) => o.key === 'SUIT-12')?.outcome, 'fired')
})
