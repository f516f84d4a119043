// MedicationRequests / MedicationStatements of the record matched to a medication value set through
// the one matching mechanism (src/fhir/medication-match.ts), with the dates the rules read:
// start (antibiotics, FHIR-DATA.md "Antibiotics"), covered period (SUIT-04) and non-systemic route.

import { dayNumber, instantMs } from '../../fhir/dates.js'
import { type MedicationMatch, matchMedication } from '../../fhir/medication-match.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import { type Resource, clinicalDate, codingCodes, obj, str } from '../../fhir/resource.js'
import { type ConceptMatch, type ValueSet, asArray } from '../../fhir/valueset.js'

export interface MedicationHit {
  resource: Resource
  med: MedicationMatch
  /** The ingredient concept (as `med.ingredient`), for helpers that list `match.display`. */
  match: ConceptMatch
  day: number | undefined
  ms: number | undefined
}

const EXCLUDED_STATUS = new Set(['cancelled', 'entered-in-error', 'draft'])
const MEDICATION_TYPES = ['MedicationRequest', 'MedicationStatement']

/** MedicationRequests / MedicationStatements matching a value set (draft orders of this call excluded). */
export function medications (record: EvaluationRecord, vs: ValueSet): MedicationHit[] {
  return record.remember(`medications|${vs.id}`, () => {
    const out: MedicationHit[] = []
    for (const type of MEDICATION_TYPES) {
      for (const r of record.ofType(type)) {
        if (record.isDraftOrder(r) || EXCLUDED_STATUS.has(String(r.status))) continue
        const med = matchMedication(r, vs, record)
        if (med === undefined) continue
        const date = clinicalDate(r)
        out.push({ resource: r, med, match: med.ingredient, day: dayNumber(date), ms: instantMs(date) })
      }
    }
    return out
  })
}

const ACTIVE_INTENTS = new Set(['order', 'plan', 'original-order', 'reflex-order', 'filler-order', 'instance-order'])

/** Active MedicationRequest (intent order/plan or absent) or active MedicationStatement. */
export function isActiveMedication (r: Resource): boolean {
  if (r.resourceType === 'MedicationStatement') return r.status === 'active'
  return r.status === 'active' && (r.intent === undefined || ACTIVE_INTENTS.has(String(r.intent)))
}

const validity = (r: Resource): Record<string, unknown> | undefined => obj(obj(r.dispenseRequest)?.validityPeriod)

/** "Started": authoredOn, else dispenseRequest.validityPeriod.start, else the effective start. */
export function medicationStart (r: Resource): string | undefined {
  return str(r.authoredOn) ?? str(validity(r)?.start) ?? str(obj(r.effectivePeriod)?.start) ?? str(r.effectiveDateTime)
}

const DURATION_DAYS: Record<string, number> = {
  d: 1,
  day: 1,
  days: 1,
  wk: 7,
  week: 7,
  weeks: 7,
  mo: 30,
  month: 30,
  months: 30
}

function durationDays (value: unknown): number | undefined {
  const q = obj(value)
  const unit = str(q?.code) ?? str(q?.unit)
  const f = unit === undefined ? undefined : DURATION_DAYS[unit.toLowerCase()]
  return typeof q?.value === 'number' && Number.isFinite(q.value) && q.value >= 0 && f !== undefined ? Math.ceil(q.value * f) : undefined
}

/**
 * Days a medication covers (FHIR-DATA.md "Conservative care span"): a MedicationRequest from its
 * start to validityPeriod.end, else start + expectedSupplyDuration, else the start day only (an
 * active one with no end: to `today`); a MedicationStatement over its effectivePeriod (an open
 * active one to `today`) or its effectiveDateTime only.
 */
export function medicationPeriod (r: Resource, today: number): { start: number, end: number } | undefined {
  const start = dayNumber(r.resourceType === 'MedicationRequest' ? str(r.authoredOn) ?? str(validity(r)?.start) : medicationStart(r))
  if (start === undefined) return undefined
  let end: number | undefined
  if (r.resourceType === 'MedicationRequest') {
    const supply = durationDays(obj(r.dispenseRequest)?.expectedSupplyDuration)
    end = dayNumber(validity(r)?.end) ?? (supply === undefined ? undefined : start + supply)
  } else {
    end = dayNumber(obj(r.effectivePeriod)?.end)
  }
  if (end === undefined) end = r.status === 'active' ? Math.max(start, today) : start
  return { start, end: Math.max(start, end) }
}

// SNOMED routes [U]: topical, ophthalmic, otic, cutaneous, inhalation, nasal (two codes).
const LOCAL_ROUTE_CODES = new Set(['6064005', '54485002', '10547007', '448598008', '18679011', '447694001', '46713006'])
const LOCAL_ROUTE_WORDS =
  /(?:^|[^\p{L}\p{N}])(?:topical|cutaneous|ophthalmic|otic|eye|ear|inhal\p{L}*|nasal|intranasal|cream|ointment|lotion|drops?)(?:$|[^\p{L}\p{N}])/iu

function routes (r: Resource): unknown[] {
  const dosages = r.resourceType === 'MedicationStatement' ? asArray(r.dosage as unknown[]) : asArray(r.dosageInstruction as unknown[])
  return dosages.map((d) => obj(d)?.route).filter((x) => x !== undefined)
}

function texts (concept: unknown): string[] {
  const c = obj(concept)
  return [
    str(c?.text),
    ...asArray(c?.coding as unknown[]).map((x) => str(obj(x)?.display))
  ].filter((t): t is string => t !== undefined)
}

/**
 * Local, not systemic use (never a systemic antibiotic, never long-term systemic steroids): a local
 * route coded in SNOMED, or the whole words topical, cutaneous, ophthalmic, otic, eye, ear, inhaled,
 * nasal, cream, ointment, lotion or drops in the route text or the medication's text/display.
 */
export function isLocalRoute (hit: MedicationHit): boolean {
  const rs = routes(hit.resource)
  if (rs.some((route) => codingCodes(route).some((c) => c.system === 'http://snomed.info/sct' && LOCAL_ROUTE_CODES.has(c.code)))) return true
  const words = [...rs.flatMap(texts), ...texts(hit.resource.medicationCodeableConcept), hit.med.text,
    str(obj(hit.resource.medicationReference)?.display)]
  return words.some((t) => t !== undefined && LOCAL_ROUTE_WORDS.test(t))
}
