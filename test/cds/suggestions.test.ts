import t from 'tap'
import { draftFacetOrders, renderSuggestions } from '../../src/cds/suggestions.js'
import type { FacetLine, FacetSession } from '../../src/fhir/facet.js'
import type { Lookup } from '../../src/rules/template.js'
import type { SuggestionTemplate } from '../../src/rules/types.js'

// A complete line: the members this module does not read hold neutral values.
const line = (id: string | undefined, code: string, extra: Record<string, unknown> = {}): FacetLine => ({
  resource: {
    resourceType: 'ServiceRequest',
    ...(id === undefined ? {} : { id }),
    status: 'draft',
    code: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code }] },
    ...extra
  },
  code,
  region: 'lumbar-sacral',
  kind: 'injection',
  guidance: 'fluoroscopy-ct',
  level: 1,
  addOn: false,
  units: 1,
  side: 'unknown',
  stated: undefined,
  intent: 'diagnostic',
  intentBasis: 'inferred',
  intentReason: 'test line',
  day: 20000
})
const session = (lines: FacetLine[]): FacetSession => ({ day: 20000, date: '2024-10-04', region: 'lumbar-sacral', type: 'diagnostic', lines, levels: lines.length, codes: lines.map((l) => l.code) }) as FacetSession
const lookup: Lookup = (root, path) => root === 'param' && path[0] === 'X' ? 7 : undefined
const ids = (): (() => string) => { let n = 0; return () => `u${++n}` }

const CANCEL: SuggestionTemplate = {
  label: 'Cancel this facet order',
  actions: [{ type: 'delete', forEach: 'draftFacetOrder', description: 'Cancel {{draftOrder.name}} ({{draftOrder.reference}})', resourceId: '{{draftOrder.reference}}' }]
}

await t.test('a per-order delete expands to one action per draft facet ServiceRequest of the session', async (t) => {
  const s = session([
    line('o1', '64493', { code: { text: 'L4-5 medial branch block, right', coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '64493' }] } }),
    line('o2', '64494'),
    line('o1', '64493'), // the same order listed twice is cancelled once
    line(undefined, '64495') // an order without an id cannot be named: skipped
  ])
  t.same(draftFacetOrders(s).map((o) => o.reference), ['ServiceRequest/o1', 'ServiceRequest/o2'])
  const [cancel] = renderSuggestions([CANCEL], lookup, s, ids())
  t.same(cancel, {
    label: 'Cancel this facet order',
    uuid: 'u1',
    actions: [
      { type: 'delete', description: 'Cancel L4-5 medial branch block, right (ServiceRequest/o1)', resourceId: 'ServiceRequest/o1' },
      { type: 'delete', description: 'Cancel CPT 64494 (ServiceRequest/o2)', resourceId: 'ServiceRequest/o2' }
    ]
  }, 'CDS Hooks 2.0 delete actions: type, description, resourceId; no resource, no forEach on the wire')
})

await t.test('with no draft order to act on, the suggestion is left out; other suggestions stay', async (t) => {
  const other: SuggestionTemplate = { label: 'Re-check in {{param.X}} days' }
  t.same(renderSuggestions([CANCEL, other], lookup, undefined, ids()), [{ label: 'Re-check in 7 days', uuid: 'u1' }], 'patient-view: no session')
  t.same(renderSuggestions([CANCEL], lookup, session([line(undefined, '64493')]), ids()), [], 'orders without ids')
})

await t.test('ordinary actions render as before, alongside per-order ones', async (t) => {
  const mixed: SuggestionTemplate = {
    label: 'Refer',
    isRecommended: true,
    actions: [{ type: 'create', description: 'in {{param.X}} days', resource: { resourceType: 'ServiceRequest', status: 'draft', note: [{ text: '{{param.X}}' }] } }]
  }
  t.same(renderSuggestions([mixed], lookup, session([line('o1', '64493')]), ids()), [{
    label: 'Refer',
    uuid: 'u1',
    isRecommended: true,
    actions: [{ type: 'create', description: 'in 7 days', resource: { resourceType: 'ServiceRequest', status: 'draft', note: [{ text: 7 }] } }]
  }])
})
