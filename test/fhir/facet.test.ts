// Facet lines and sessions (revision 2): intent (explicit → signal → inferred, oldest first),
// laterality (bodySite code → modifier → words; basedOn; session side), levels per side.

import t from 'tap'
import { evaluationTime } from '../../src/fhir/dates.js'
import { completedSessions, orderedSessions } from '../../src/fhir/facet.js'
import { sideOfText, sidesMatch, unionSide } from '../../src/fhir/laterality.js'
import { EvaluationRecord } from '../../src/fhir/record.js'
import type { Resource } from '../../src/fhir/resource.js'
import { bundledCatalog } from '../helper.js'

const NOW = new Date('2026-11-29T10:00:00Z')
const CPT = 'http://www.ama-assn.org/go/cpt'
const INTENT = 'urn:facet-pt-cds:procedure-intent'
const vs = bundledCatalog().valueSets.get('facet-procedures')!
const settings = { lookbackDays: 365, dxBlocksRequired: 2 }

const code = (c: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  coding: [{ system: CPT, code: c }],
  ...extra
})
const proc = (id: string, c: string, date: string, extra: Record<string, unknown> = {}): Resource =>
  ({ resourceType: 'Procedure', id, status: 'completed', code: code(c), performedDateTime: date, ...extra })
const order = (id: string, c: string, extra: Record<string, unknown> = {}): Resource =>
  ({ resourceType: 'ServiceRequest', id, status: 'draft', intent: 'order', code: code(c), ...extra })
const mod = (m: string): Record<string, unknown> => ({ coding: [{ system: 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: m }] })
const site = (snomed: string): Array<Record<string, unknown>> => [{ coding: [{ system: 'http://snomed.info/sct', code: snomed }] }]

function record (resources: Resource[], drafts: Resource[] = []): EvaluationRecord {
  return new EvaluationRecord({ patientId: 'p', resources, draftOrders: drafts, selections: [], unavailableTypes: new Set(), time: evaluationTime(NOW) })
}

await t.test('side words, union and matching', async (t) => {
  t.equal(sideOfText('Left L4-5 facet'), 'left')
  t.equal(sideOfText('left and right L5'), 'bilateral')
  t.equal(sideOfText('both sides'), 'bilateral')
  t.equal(sideOfText('leftover'), 'unknown', 'whole words only')
  t.equal(unionSide(['left', 'unknown']), 'left')
  t.equal(unionSide(['left', 'right']), 'bilateral')
  t.equal(unionSide(['unknown']), 'unknown')
  t.ok(sidesMatch('left', 'bilateral'))
  t.ok(sidesMatch('unknown', 'right'))
  t.notOk(sidesMatch('left', 'right'))
})

await t.test('intent inferred oldest first: two blocks, then therapeutic; RFA always therapeutic', async (t) => {
  const s = completedSessions(record([
    proc('a', '64493', '2026-01-10'), proc('b', '64493', '2026-02-10'), proc('c', '64493', '2026-05-10'),
    proc('d', '64635', '2026-06-10', { category: { coding: [{ system: INTENT, code: 'diagnostic' }] } })
  ]), vs, settings)
  t.same(s.map((x) => [x.type, x.intentBasis]), [['diagnostic', 'inferred'], ['diagnostic', 'inferred'], ['therapeutic', 'inferred'], ['rfa', 'explicit']])
  t.match(s[2]?.intentReason, /2 earlier diagnostic blocks .* series complete/)
  const consensus = completedSessions(record([proc('a', '64493', '2026-01-10'), proc('b', '64493', '2026-02-10')]), vs, { lookbackDays: 365, dxBlocksRequired: 1 })
  t.equal(consensus[1]?.type, 'therapeutic', 'DX_BLOCKS_REQUIRED = 1: the second session is therapeutic')
  const old = completedSessions(record([proc('a', '64493', '2024-01-10'), proc('b', '64493', '2026-02-10')]), vs, settings)
  t.equal(old[1]?.type, 'diagnostic', 'a session outside the look-back does not count')
})

await t.test('signals: KX, SNOMED codes, text words; conflicting texts say nothing; basedOn inherits', async (t) => {
  const r = record([
    proc('kx', '64493', '2026-01-10', { category: mod('KX') }),
    proc('tx', '64493', '2026-03-10', { code: code('64493', { text: 'Therapeutic facet injection' }) }),
    proc('both', '64490', '2026-03-10', { code: code('64490', { text: 'diagnostic or therapeutic agent' }) }),
    { resourceType: 'ServiceRequest', id: 's1', status: 'completed', intent: 'order', code: code('64493'), category: [{ coding: [{ system: 'http://snomed.info/sct', code: '262202000' }] }] },
    proc('inh', '64493', '2026-05-10', { basedOn: [{ reference: 'ServiceRequest/s1' }] })
  ])
  const s = completedSessions(r, vs, settings)
  const byCode = (d: string, region: string): { type: string, intentBasis: string } | undefined =>
    s.find((x) => x.date === d && x.region === region)
  t.match(byCode('2026-01-10', 'lumbar-sacral'), { type: 'diagnostic', intentBasis: 'signal' })
  t.match(byCode('2026-03-10', 'lumbar-sacral'), { type: 'therapeutic', intentBasis: 'signal' })
  t.match(byCode('2026-03-10', 'cervical-thoracic'), { type: 'diagnostic', intentBasis: 'inferred' }, 'a text with both words is ignored')
  t.match(byCode('2026-05-10', 'lumbar-sacral'), { type: 'therapeutic', intentBasis: 'signal' }, 'inherited from the order')
})

await t.test('sides: bodySite code, modifier, words, basedOn; side-unknown lines take the session side', async (t) => {
  const r = record([
    proc('l', '64635', '2026-01-10', { bodySite: site('7771000') }),
    proc('l2', '64636', '2026-01-10'),
    { resourceType: 'ServiceRequest', id: 's1', status: 'completed', intent: 'order', code: code('64493'), orderDetail: [mod('RT')] },
    proc('r', '64493', '2026-03-10', { basedOn: [{ reference: 'ServiceRequest/s1' }] }),
    proc('w', '64490', '2026-03-10', { bodySite: [{ text: 'both sides C5-6' }] })
  ])
  const s = completedSessions(r, vs, settings)
  t.same(s.map((x) => x.side), ['left', 'bilateral', 'right'])
  t.equal(s[0]?.levels, 2, 'the side-unknown add-on counts on the left only')
  t.same([s[0]?.levelsLeft, s[0]?.levelsRight], [2, 0])
})

await t.test('levels per side: LT/RT at one level = 1; RFA add-on units', async (t) => {
  const one = orderedSessions(record([], [order('a', '64493', { orderDetail: [mod('LT')] }), order('b', '64493', { orderDetail: [mod('RT')] })]), vs, settings)
  t.equal(one[0]?.levels, 1)
  t.equal(one[0]?.side, 'bilateral')
  const rfa = orderedSessions(record([], [order('a', '64635'), order('b', '64636', { quantityQuantity: { value: 2 } })]), vs, settings)
  t.equal(rfa[0]?.levels, 3)
  const mixed = orderedSessions(record([], [order('a', '64493', { orderDetail: [mod('50')] }), order('b', '64494', { orderDetail: [mod('LT')] })]), vs, settings)
  t.same([mixed[0]?.levelsLeft, mixed[0]?.levelsRight, mixed[0]?.levels], [2, 1, 2])
})

await t.test('an order is inferred against the completed history on a matching side', async (t) => {
  const history = [proc('a', '64493', '2026-06-10', { bodySite: site('7771000') }), proc('b', '64493', '2026-07-10', { bodySite: site('7771000') })]
  const left = orderedSessions(record(history, [order('o', '64493', { orderDetail: [mod('LT')] })]), vs, settings)
  t.match(left[0], { type: 'therapeutic', intentBasis: 'inferred' })
  const right = orderedSessions(record(history, [order('o', '64493', { orderDetail: [mod('RT')] })]), vs, settings)
  t.match(right[0], { type: 'diagnostic', intentBasis: 'inferred' })
  t.match(right[0]?.intentReason, /no earlier facet session in this region on this side/)
})
