// The injectate of a facet line (IS_STEROID): corticosteroids in Procedure.usedCode or the order's
// ServiceRequest.orderDetail, matched as a medication (MEDICATION MATCH: ingredient or listed
// product code, else the ingredient or a brand name in the text), each concept on its own.

import { describeMatch, matchMedicationConcept } from './medication-match.js'
import { codingCodes } from './resource.js'
import type { CodeableConcept, ValueSet } from './valueset.js'

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm'

export interface Injectate {
  /** A corticosteroid is recorded. */
  steroid: boolean
  /** Corticosteroids found (a name match says so: "… (matched by name: '…')"), sorted. */
  drugs: string[]
  /** Any injectate is recorded (an RxNorm coding, or a corticosteroid matched). */
  recorded: boolean
}

export function injectateOf (concepts: readonly CodeableConcept[], corticosteroids: ValueSet): Injectate {
  const drugs = new Set<string>()
  for (const cc of concepts) {
    const m = matchMedicationConcept(cc, corticosteroids)
    if (m !== undefined) drugs.add(describeMatch(m))
  }
  const recorded = drugs.size > 0 || codingCodes([...concepts]).some((c) => c.system === RXNORM)
  return { steroid: drugs.size > 0, drugs: [...drugs].sort(), recorded }
}
