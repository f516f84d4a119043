// Facts read from MedicationRequest / MedicationStatement (and medication-status Conditions). Every
// medication goes through the one matching mechanism (medication-records.ts → medication-match.ts).

import { dayNumber, isoDate } from '../../fhir/dates.js'
import { describeMatch } from '../../fhir/medication-match.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import type { ValueSet } from '../../fhir/valueset.js'
import { activeConditions } from './clinical.js'
import { type FactDefinition, POSITIVE, VALUESET, text, shape } from './fact.js'
import { type MedicationHit, isActiveMedication, isLocalRoute, medicationStart, medications } from './medication-records.js'

const NAME_MAX = 20

/** A drug name for a summary: at most 20 characters (a longer one is cut to 19 + "…"). */
export function shortName (name: string): string {
  return name.length <= NAME_MAX ? name : `${name.slice(0, NAME_MAX - 1)}…`
}

/** "a", "a and b", "a, b and 2 more": at most two names, each ≤ 20 characters. */
export function summaryList (list: readonly string[]): string {
  const [a, b] = list.map(shortName)
  if (list.length <= 1) return a ?? ''
  if (list.length === 2) return `${a} and ${b}`
  return `${a}, ${b} and ${list.length - 2} more`
}

function holdText (hit: MedicationHit): string {
  const p = hit.med.ingredient.properties
  const parts = [typeof p.holdAsra === 'string' ? `ASRA 2018 hold ${p.holdAsra}` : undefined,
    typeof p.pause === 'string' ? `PAUSE ${p.pause}` : undefined,
    typeof p.restart === 'string' ? `restart ${p.restart}` : undefined].filter(Boolean)
  return `${hit.med.drug}: ${parts.length > 0 ? parts.join('; ') : 'no hold window on file'}`
}

const classOf = (p: Record<string, unknown>): string => typeof p.class === 'string' ? p.class : 'anticoagulant'

/** One hit per drug, a code match preferred over a name match. */
function byDrug (hits: readonly MedicationHit[]): MedicationHit[] {
  const out = new Map<string, MedicationHit>()
  for (const h of hits) {
    const seen = out.get(h.med.drug)
    if (seen === undefined || (seen.med.basis === 'name' && h.med.basis !== 'name')) out.set(h.med.drug, h)
  }
  return [...out.values()].sort((a, b) => a.med.drug.localeCompare(b.med.drug))
}

export const antithromboticsFact: FactDefinition = {
  name: 'antithrombotics',
  description: 'Active anticoagulant/antiplatelet medications (value set antithrombotics, MEDICATION MATCH: ingredient code, listed product code, referenced/contained Medication, name fallback) and long-term-use status codes (antithrombotic-status: Z79.01 anticoagulant, Z79.02 antiplatelet, Z79.82 aspirin). kind = aspirin-only when aspirin (1191 by any match, or Z79.82) is the only antithrombotic: no other drug and no Z79.01 (Z79.02 then counts as aspirin; Z79.02 alone is an unidentified antiplatelet). drugs = at most 2 names (≤ 20 characters each) then "and N more"; allDrugs lists every drug, with "matched by name: \'…\'" where the drug was found by name; holdWindows per drug from the value set.',
  reads: ['MedicationRequest', 'Condition'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, kind (antithrombotic | aspirin-only), drugs, allDrugs, holdWindows, classes, count }',
  returnsSchema: shape({
    found: 'boolean',
    kind: 'string',
    drugs: 'string',
    allDrugs: 'string',
    holdWindows: 'string',
    classes: 'string[]',
    count: 'number'
  }),
  compute: ({ record, valueSet }) => {
    const meds = byDrug(medications(record, valueSet('antithrombotics')).filter((m) => isActiveMedication(m.resource)))
    const status = activeConditions(record, valueSet('antithrombotic-status'))
    if (meds.length === 0 && status.length === 0) return { found: false }
    const medClasses = new Set(meds.map((m) => classOf(m.med.ingredient.properties)))
    const statusCodes = new Map(status.map((s) => [classOf(s.match.properties), s.match.code]))
    const others = meds.filter((m) => classOf(m.med.ingredient.properties) !== 'aspirin')
    const aspirinOnly = others.length === 0 && !statusCodes.has('anticoagulant') && (medClasses.has('aspirin') || statusCodes.has('aspirin'))
    const labels: Array<[string, string]> = []
    if (statusCodes.has('anticoagulant') && !medClasses.has('anticoagulant')) labels.push(['anticoagulant', statusCodes.get('anticoagulant')!])
    const antiplateletKnown = aspirinOnly || medClasses.has('antiplatelet') || medClasses.has('aspirin') || statusCodes.has('aspirin')
    if (statusCodes.has('antiplatelet') && !antiplateletKnown) {
      labels.push(['antiplatelet', statusCodes.get('antiplatelet')!])
    }
    if (statusCodes.has('aspirin') && !medClasses.has('aspirin')) labels.push(['aspirin', statusCodes.get('aspirin')!])
    const names = [...meds.map((m) => m.med.drug), ...labels.map(([l]) => l)]
    const all = [...meds.map((m) => describeMatch(m.med)),
      ...labels.map(([l, code]) => `${l} (long-term use ${code}; drug not identified, check the medication list)`)]
    return {
      found: true,
      kind: aspirinOnly ? 'aspirin-only' : 'antithrombotic',
      drugs: summaryList(names),
      allDrugs: all.join('; '),
      holdWindows: [...meds.map(holdText), ...labels.map(([l]) => `${l}: drug not identified`)].map((t) => `- ${t}`).join('\n'),
      classes: [...new Set([...medClasses, ...statusCodes.keys()])].sort(),
      count: names.length
    }
  }
}

const STARTED_STATUS = new Set(['active', 'completed'])

/**
 * Medication courses as FHIR-DATA.md "Antibiotics" reads them: status active or completed, not
 * topical/ophthalmic/otic, dated by their start (authoredOn → validityPeriod.start → effective start).
 */
export function startedCourses (record: EvaluationRecord, vs: ValueSet): Array<{ hit: MedicationHit, day: number }> {
  return record.remember(`started|${vs.id}`, () => medications(record, vs)
    .filter((h) => STARTED_STATUS.has(String(h.resource.status)) && !isLocalRoute(h))
    .map((hit) => ({ hit, day: dayNumber(medicationStart(hit.resource)) }))
    .filter((x): x is { hit: MedicationHit, day: number } => x.day !== undefined))
}

export function courseNames (list: ReadonlyArray<{ hit: MedicationHit }>): string {
  return [...new Set(list.map((x) => describeMatch(x.hit.med)))].sort().join(', ')
}

export const medicationStartedFact: FactDefinition = {
  name: 'medicationStarted',
  description: 'MedicationRequests/Statements in a value set (MEDICATION MATCH) with status active or completed, not topical/ophthalmic/otic (route coded SNOMED 6064005/54485002/10547007 or those words, eye or ear in the route or medication text), started within withinDays of now; started = authoredOn, else dispenseRequest.validityPeriod.start, else effectivePeriod.start / effectiveDateTime.',
  reads: ['MedicationRequest'],
  params: {
    type: 'object',
    required: ['valueset', 'withinDays'],
    additionalProperties: false,
    properties: { valueset: VALUESET, withinDays: POSITIVE }
  },
  valueSetParams: ['valueset'],
  returns: '{ found, names, latestDate }',
  returnsSchema: shape({ found: 'boolean', names: 'string', latestDate: 'string' }),
  compute: ({ record, valueSet }, params) => {
    const within = params.withinDays as number
    const today = record.time.day
    const hits = startedCourses(record, valueSet(text(params, 'valueset'))).filter((x) => x.day <= today && today - x.day <= within)
    if (hits.length === 0) return { found: false }
    return { found: true, names: courseNames(hits), latestDate: isoDate(Math.max(...hits.map((h) => h.day))) }
  }
}
