// The catalog refuses card text that breaks the revision 2 card rules it can check statically:
// a source.label over SOURCE_LABEL_MAX_CHARS, per-order (delete) actions on a patient-view rule,
// {{draftOrder.…}} outside such an action, a delete without resourceId.

import t from 'tap'
import { catalogProblemsAfter as problemsAfter } from '../helper.js'

const cancel = (extra: Record<string, unknown> = {}): unknown => ({
  label: 'Cancel this facet order',
  actions: [{ type: 'delete', forEach: 'draftFacetOrder', description: 'Cancel {{draftOrder.name}}', resourceId: '{{draftOrder.reference}}', ...extra }]
})

await t.test('source.label longer than SOURCE_LABEL_MAX_CHARS is refused, naming the limit', async (t) => {
  const problems = problemsAfter(t, 'suitability/SUIT-01.rule.json', (r) => { r.source.label = 'x'.repeat(81) })
  t.match(problems, [{ rule: 'SUIT-01', pointer: '/source/label', message: /81 characters; at most SOURCE_LABEL_MAX_CHARS \(80\)/ }])
  t.same(problemsAfter(t, 'suitability/SUIT-01.rule.json', (r) => { r.source.label = 'é'.repeat(80) }), [], '80 characters (not bytes) pass')
})

await t.test('per-order delete actions: order hooks only, known members, resourceId required', async (t) => {
  t.same(problemsAfter(t, 'suitability/SUIT-01.rule.json', (r) => { r.card.suggestions = [cancel()] }), [], 'fine on an order-hook rule')
  const pv = problemsAfter(t, 'pt-follow-up/PT-04.rule.json', (r) => {
    const card = r.card ?? r.variants[0].card
    card.suggestions = [cancel()]
  })
  t.ok(pv.some((p) => p.rule === 'PT-04' && /forEach$/.test(p.pointer) && /order hooks only/.test(p.message)), 'refused on a patient-view rule')
  const member = problemsAfter(t, 'suitability/SUIT-01.rule.json', (r) => { r.card.suggestions = [cancel({ description: 'Cancel {{draftOrder.status}}' })] })
  t.ok(member.some((p) => /draftOrder\.status/.test(p.message)), 'unknown member')
  const outside = problemsAfter(t, 'suitability/SUIT-01.rule.json', (r) => { r.card.summary = 'Order {{draftOrder.name}} is fine' })
  t.ok(outside.some((p) => /draftOrder/.test(p.message)), '{{draftOrder.…}} outside a per-order action')
  const noId = problemsAfter(t, 'suitability/SUIT-01.rule.json', (r) => {
    r.card.suggestions = [{ label: 'Cancel', actions: [{ type: 'delete', description: 'Cancel it' }] }]
  })
  t.ok(noId.some((p) => /suggestions\/0\/actions\/0/.test(p.pointer)), 'a delete needs resourceId (CDS Hooks 2.0)')
})
