// Shared readers used by several facts: active conditions, dated observations (medications:
// medication-records.ts).

import { dayNumber, instantMs } from '../../fhir/dates.js'
import { isFinalObservation, readValue } from '../../fhir/quantity.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import { type Resource, clinicalDate, codingCodes } from '../../fhir/resource.js'
import type { ConceptMatch, ValueSet } from '../../fhir/valueset.js'

const INACTIVE_CLINICAL = new Set(['resolved', 'inactive', 'remission'])
const REFUTED = new Set(['refuted', 'entered-in-error'])

/** Active, recurrent or relapsed (absent status counts as active; refuted ones never count). */
export function isActiveCondition (r: Resource): boolean {
  const clinical = codingCodes(r.clinicalStatus).map((c) => c.code)
  if (clinical.some((c) => INACTIVE_CLINICAL.has(c))) return false
  return !codingCodes(r.verificationStatus).some((c) => REFUTED.has(c.code))
}

export interface DatedMatch { resource: Resource, match: ConceptMatch, day: number | undefined, ms: number | undefined }

export function activeConditions (record: EvaluationRecord, vs: ValueSet): DatedMatch[] {
  return record.remember(`active-conditions|${vs.id}`, () =>
    record.coded('Condition', vs)
      .filter(({ resource }) => isActiveCondition(resource))
      .map(({ resource, match }) => {
        const date = clinicalDate(resource)
        return { resource, match, day: dayNumber(date), ms: instantMs(date) }
      }))
}

/** Medications are read only through MEDICATION MATCH (medication-records.ts); re-exported for existing imports. */
export { isActiveMedication, medications } from './medication-records.js'

export interface Reading { resource: Resource, value: number, ms: number, day: number, date: string, code: string }

/** Final/amended/corrected observations in a value set with a readable value in `unit` (score scale from
 *  the concept), newest first. */
export function readings (
  record: EvaluationRecord,
  vs: ValueSet,
  unit: string
): { list: Reading[], unreadable: number } {
  return record.remember(`readings|${vs.id}|${unit}`, () => {
    const list: Reading[] = []
    let unreadable = 0
    for (const { resource, match } of record.coded('Observation', vs)) {
      if (!isFinalObservation(resource)) continue
      const date = clinicalDate(resource)
      const ms = instantMs(date)
      const day = dayNumber(date)
      if (ms === undefined || day === undefined || date === undefined) continue
      if (ms > record.time.ms) continue // a reading from the future is a data error, not evidence
      const v = readValue(resource, unit, match.properties)
      if (!v.ok) { if (v.reason === 'unit') unreadable++; continue }
      list.push({ resource, value: v.value, ms, day, date, code: match.code })
    }
    list.sort((a, b) => b.ms - a.ms)
    return { list, unreadable }
  })
}

export function names (matches: ReadonlyArray<{ match: ConceptMatch }>): string[] {
  return [...new Set(matches.map((m) => m.match.display))].sort()
}
