// Cards whose firing depends on a facet intent (revision 2): facts whose answer rests on an intent
// report `intentBasis` and `inferredIntent` (null unless inferred); the card then says so at the
// start of its detail and carries the weakest basis (inferred < signal < explicit) in its extension.

import type { VariantOutcome } from '../rules/run-rules.js'

const RANK: Readonly<Record<string, number>> = { inferred: 0, signal: 1, explicit: 2 }

export type IntentBasis = 'explicit' | 'signal' | 'inferred'

export interface IntentNote {
  basis?: IntentBasis
  /** "Procedure intent inferred: …" sentences, one per distinct inferred intent. */
  sentences: string[]
}

function member (value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined
}

/** The intent basis and inferred intents reported by the facts the variant's conditions read. */
export function intentNote (o: VariantOutcome): IntentNote {
  let basis: IntentBasis | undefined
  const sentences = new Set<string>()
  for (const name of o.variant.factCalls.keys()) {
    const value = o.value(name)
    // Only facts that declare the dependence (an `inferredIntent` member, null when none was
    // inferred) count: the `order` fact shows its basis for explain but gates many rules.
    if (value === null || typeof value !== 'object' || !('inferredIntent' in value)) continue
    const b = member(value, 'intentBasis')
    const rank = typeof b === 'string' ? RANK[b] : undefined
    if (rank !== undefined && (basis === undefined || rank < (RANK[basis] as number))) basis = b as IntentBasis
    const inferred = member(value, 'inferredIntent')
    const intent = member(inferred, 'intent')
    const reason = member(inferred, 'reason')
    if (typeof intent === 'string' && typeof reason === 'string') {
      sentences.add(`Procedure intent inferred: ${intent} (${reason}). Record the intent on the order if this is not right.`)
    }
  }
  return { ...(basis === undefined ? {} : { basis }), sentences: [...sentences] }
}
