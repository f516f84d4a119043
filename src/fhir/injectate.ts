// The injectate of a facet line (IS_STEROID): corticosteroid codes in Procedure.usedCode or the
// order's ServiceRequest.orderDetail. A small matcher on the corticosteroids value set; the shared
// medication matcher (ingredient, product, Medication, name) is meant to replace it.

import type { CodeableConcept, ValueSet } from './valueset.js'
import { codingCodes } from './resource.js'

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm'

export interface Injectate {
  /** A corticosteroid is recorded. */
  steroid: boolean
  /** Corticosteroid drug names found (value set `drug` property), sorted. */
  drugs: string[]
  /** Any injectate is recorded (an RxNorm coding, or a corticosteroid code). */
  recorded: boolean
}

export function injectateOf (concepts: readonly CodeableConcept[], corticosteroids: ValueSet): Injectate {
  const drugs = new Set<string>()
  for (const cc of concepts) {
    const m = corticosteroids.match(cc)
    if (m !== undefined) drugs.add(typeof m.properties.drug === 'string' ? m.properties.drug : m.display)
  }
  const recorded = drugs.size > 0 || codingCodes([...concepts]).some((c) => c.system === RXNORM)
  return { steroid: drugs.size > 0, drugs: [...drugs].sort(), recorded }
}
