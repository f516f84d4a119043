// Card text of the medication rules that exact-match cases cannot express: where hold windows and
// "matched by name" appear (SAFE-01 detail only), and the summary length cap with many drugs.

import t from 'tap'
import { evaluateRecord } from '../../src/cds/evaluate.js'
import type { Card } from '../../src/cds/types.js'
import type { Resource } from '../../src/fhir/resource.js'
import { bundledCatalog, NOW } from '../helper.js'

const RX = 'http://www.nlm.nih.gov/research/umls/rxnorm'
const catalog = bundledCatalog()
const subject = { reference: 'Patient/p1' }
const order = (code: string, id = 'o1'): Resource => ({ resourceType: 'ServiceRequest', id, status: 'draft', intent: 'order', subject, code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code }] } })
const med = (id: string, concept: Record<string, unknown>): Resource => ({ resourceType: 'MedicationRequest', id, status: 'active', intent: 'order', subject, authoredOn: '2026-06-01', medicationCodeableConcept: concept })
const code = (c: string): Record<string, unknown> => ({ coding: [{ system: RX, code: c }] })

async function safe01 (orders: Resource[], meds: Resource[]): Promise<Card[]> {
  const { cards } = await evaluateRecord('order-sign', { patientId: 'p1', resources: [{ resourceType: 'Patient', id: 'p1' }, ...meds], draftOrders: orders },
    { catalog, now: NOW, newId: () => 'id' })
  return cards.filter((c) => c.source.topic?.code === 'SAFE-01')
}
const variant = (c: Card | undefined): unknown => c?.extension['org.facet-pt-cds'].variant

await t.test('(a-high) shows the hold windows per drug, without evidence tags', async (t) => {
  const [card] = await safe01([order('64490')], [med('m1', code('1364430')), med('m2', code('32968'))])
  t.equal(variant(card), 'a-high')
  t.match(card?.detail, /apixaban: ASRA 2018 hold 3 days; PAUSE 1 day \/ 2 days/)
  t.match(card?.detail, /clopidogrel: ASRA 2018 hold 7 days/)
  t.notMatch(card?.detail, /unverified|\[U\]/i)
})

await t.test('(a-low) says continuing is usually appropriate and shows no hold windows', async (t) => {
  const [card] = await safe01([order('64493')], [med('m1', code('1364430'))])
  t.equal(variant(card), 'a-low')
  t.match(card?.summary, /continuing is usually appropriate/)
  t.notMatch(card?.detail, /ASRA 2018 hold|PAUSE/)
})

await t.test('(c) and (c-high) show no hold windows', async (t) => {
  for (const codes of [['64490'], ['64635'], ['64633']]) {
    const [card] = await safe01(codes.map((c) => order(c)), [med('m1', code('1191'))])
    t.ok(['c', 'c-high'].includes(String(variant(card))), `aspirin-only card for ${codes.join()}`)
    t.notMatch(card?.detail, /ASRA 2018 hold|restart/)
  }
})

await t.test('a drug matched by name says so in the detail, never in the summary', async (t) => {
  const [card] = await safe01([order('64490')], [med('m1', { text: 'Eliquis 5mg' })])
  t.equal(card?.summary, 'Patient on apixaban: confirm a hold-or-continue plan with the prescriber first.')
  t.match(card?.detail, "apixaban (matched by name: 'Eliquis 5mg')")
  t.notMatch(card?.summary, /matched by name/)
})

await t.test('every SAFE-01 summary stays under 140 characters, with all drugs listed in the detail', async (t) => {
  const all = ['11289', '1364430', '1114195', '1599538', '1546356', '321208', '5224', '67108', '67109', '32968', '613391', '1116632', '21107', '1191']
  for (const o of [['64490'], ['64493'], ['64633'], ['64635']]) {
    const cards = await safe01(o.map((c) => order(c)), all.map((c, i) => med(`m${i}`, code(c))))
    t.ok(cards.length > 0)
    for (const card of cards) t.ok(card.summary.length < 140, `${String(variant(card))}: ${card.summary.length} characters`)
    const a = cards.find((c) => String(variant(c)).startsWith('a-'))
    t.match(a?.summary, /^Patient on apixaban, aspirin and 12 more: /)
    for (const drug of ['warfarin', 'ticagrelor', 'cilostazol', 'aspirin']) t.match(a?.detail, drug)
  }
})
