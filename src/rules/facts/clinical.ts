// Shared readers used by several facts: active conditions, medications, dated observations.

import { dayNumber, instantMs } from '../../fhir/dates.js'
import { isFinalObservation, readValue } from '../../fhir/quantity.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import { type Resource, clinicalDate, codingCodes, obj, str } from '../../fhir/resource.js'
import type { ConceptMatch, ValueSet } from '../../fhir/valueset.js'
import { asArray } from '../../fhir/valueset.js'

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

/** The medication concept of a MedicationRequest/Statement: inline, or its referenced Medication. */
export function medicationConcepts (record: EvaluationRecord, r: Resource): unknown[] {
  const inline = r.medicationCodeableConcept
  if (inline !== undefined) return [inline]
  const ref = str(obj(r.medicationReference)?.reference)
  const med = ref === undefined ? undefined : record.resolve(ref)
  if (med === undefined) return []
  return [med.code, ...asArray(med.ingredient as unknown[]).map((i) => obj(i)?.itemCodeableConcept)]
}

const EXCLUDED_MED_STATUS = new Set(['cancelled', 'entered-in-error', 'draft'])

/** MedicationRequests / MedicationStatements matching a value set (draft orders of this call excluded). */
export function medications (record: EvaluationRecord, vs: ValueSet): DatedMatch[] {
  return record.remember(`medications|${vs.id}`, () => {
    const out: DatedMatch[] = []
    for (const type of ['MedicationRequest', 'MedicationStatement']) {
      for (const r of record.ofType(type)) {
        if (record.isDraftOrder(r) || EXCLUDED_MED_STATUS.has(String(r.status))) continue
        const match = vs.match(medicationConcepts(record, r))
        if (match === undefined) continue
        const date = clinicalDate(r)
        out.push({ resource: r, match, day: dayNumber(date), ms: instantMs(date) })
      }
    }
    return out
  })
}

export function isActiveMedication (r: Resource): boolean {
  if (r.resourceType === 'MedicationStatement') return r.status === 'active'
  return r.status === 'active' && (r.intent === undefined || ['order', 'plan', 'original-order', 'reflex-order', 'filler-order', 'instance-order'].includes(String(r.intent)))
}

export interface Reading { resource: Resource, value: number, ms: number, day: number, date: string, code: string }

/** Final/amended/corrected observations in a value set with a readable value in `unit` (score scale from the concept), newest first. */
export function readings (record: EvaluationRecord, vs: ValueSet, unit: string): { list: Reading[], unreadable: number } {
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
