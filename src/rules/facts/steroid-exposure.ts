// IS_STEROID for a facet session (CLINICAL.md §5, revision 2b): a corticosteroid recorded in
// Procedure.usedCode or the order's ServiceRequest.orderDetail; for the safety rules (SAFE-03,
// ESC-06) an IA/MBB with no injectate recorded counts as possibly containing a steroid unless its
// intent is explicitly diagnostic (category, coded or text signal; an inferred one is not enough).

import type { FacetSession } from '../../fhir/facet.js'
import { injectateOf } from '../../fhir/injectate.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import { type Resource, references } from '../../fhir/resource.js'
import type { CodeableConcept, ValueSet } from '../../fhir/valueset.js'
import { asArray } from '../../fhir/valueset.js'

export const STEROID_ASSUMED = 'injectate not recorded: steroid assumed for safety'

export interface SteroidExposure {
  steroid: boolean
  /** Counted as steroid only because no injectate was recorded. */
  assumed: boolean
  /** Corticosteroid names, or "none recorded". */
  drugs: string
  basis: string
}

function injectateConcepts (record: EvaluationRecord, r: Resource): CodeableConcept[] {
  const own = asArray((r.resourceType === 'Procedure' ? r.usedCode : r.orderDetail) as unknown[])
  const orders = r.resourceType === 'Procedure'
    ? references(r.basedOn).map((ref) => record.resolve(ref)).filter((o): o is Resource => o?.resourceType === 'ServiceRequest')
    : []
  return [...own, ...orders.flatMap((o) => asArray(o.orderDetail as unknown[]))] as CodeableConcept[]
}

export function sessionSteroid (
  record: EvaluationRecord,
  session: FacetSession,
  corticosteroids: ValueSet
): SteroidExposure {
  const inj = injectateOf(session.lines.flatMap((l) => injectateConcepts(record, l.resource)), corticosteroids)
  const drugs = inj.drugs.join(', ')
  if (inj.steroid) return { steroid: true, assumed: false, drugs, basis: `corticosteroid injectate recorded (${drugs})` }
  if (inj.recorded) return { steroid: false, assumed: false, drugs: 'none recorded', basis: 'steroid-free injectate recorded' }
  if (session.type === 'rfa') return { steroid: false, assumed: false, drugs: 'none recorded', basis: 'RFA with no steroid recorded' }
  if (session.intent === 'diagnostic' && session.intentBasis !== 'inferred') {
    return { steroid: false, assumed: false, drugs: 'none recorded', basis: 'diagnostic block (intent recorded) with no steroid recorded' }
  }
  return { steroid: true, assumed: true, drugs: 'none recorded', basis: STEROID_ASSUMED }
}
