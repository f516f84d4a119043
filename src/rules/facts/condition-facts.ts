// Facts read from Conditions: problem-list entries in a value set, red flags read by their
// ICD-10-CM 7th character, pain duration in the order's region. A Condition is dated by its onset
// (onsetDateTime / onsetPeriod.start), by recordedDate only when it has no onset (FHIR-DATA.md).

import { isoDate, withinDaysBefore } from '../../fhir/dates.js'
import { clinicalDate } from '../../fhir/resource.js'
import { type DatedMatch, activeConditions, names } from './clinical.js'
import { type FactDefinition, POSITIVE, VALUESET, anchorDay, num, text, shape } from './fact.js'

const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm'

/** The 7th character of an ICD-10-CM code (injury, fracture and T codes), e.g. M48.56XS → S. */
export function seventhCharacter (system: string, code: string): string | undefined {
  if (system !== ICD10CM) return undefined
  const bare = code.replace(/\./g, '').toUpperCase()
  return bare.length === 7 ? bare[6] : undefined
}

function summary (hits: readonly DatedMatch[]): Record<string, unknown> {
  if (hits.length === 0) return { found: false, count: 0 }
  const latest = Math.max(...hits.map((h) => h.day ?? -Infinity))
  return {
    found: true,
    count: hits.length,
    names: names(hits).join(', '),
    codes: [...new Set(hits.map((h) => h.match.code))].sort(),
    latestDate: Number.isFinite(latest) ? isoDate(latest) : null
  }
}

export const conditionPresentFact: FactDefinition = {
  name: 'conditionPresent',
  description: 'Active (or recurrent/relapsed) Conditions in a value set; with withinDays, only those dated within that many days of now. datedBy "onset" (new conditions: ESC-01) = onset (onsetDateTime / onsetPeriod.start), recordedDate only when there is no onset, so a chronic condition newly recorded is not new; default "onset-or-recorded" = the onset or the recorded date (e.g. an active infection newly recorded, SAFE-02).',
  reads: ['Condition'],
  params: {
    type: 'object',
    required: ['valueset'],
    additionalProperties: false,
    properties: { valueset: VALUESET, withinDays: POSITIVE, datedBy: { enum: ['onset', 'onset-or-recorded'] } }
  },
  valueSetParams: ['valueset'],
  returns: '{ found, count, names, codes, latestDate }',
  returnsSchema: shape({
    found: 'boolean', count: 'number', names: 'string', codes: 'string[]', latestDate: 'string?'
  }),
  compute: ({ record, valueSet }, params) => {
    const within = typeof params.withinDays === 'number' ? params.withinDays : undefined
    const byOnset = params.datedBy === 'onset'
    const inWindow = (c: DatedMatch, days: number): boolean => {
      const dates = byOnset ? [clinicalDate(c.resource)] : [clinicalDate(c.resource), c.resource.recordedDate]
      return dates.some((d) => withinDaysBefore(d, record.time.ms, days))
    }
    const hits = activeConditions(record, valueSet(text(params, 'valueset')))
      .filter((c) => within === undefined || inWindow(c, within))
    return summary(hits)
  }
}

/** Whether a red-flag Condition counts: 7th character allowed by its concept, recent when required. */
function countsAsRedFlag (c: DatedMatch, nowMs: number, recentDays: number): boolean {
  const p = c.match.properties
  const seventh = seventhCharacter(c.match.system, c.match.code)
  if (seventh === 'S') return false // sequela: history, never a current red flag
  if (typeof p.seventh === 'string' && (seventh === undefined || !p.seventh.includes(seventh))) return false
  return p.recent !== true || withinDaysBefore(clinicalDate(c.resource), nowMs, recentDays)
}

export const redFlagConditionsFact: FactDefinition = {
  name: 'redFlagConditions',
  description: 'Active red-flag Conditions in a value set, read by their concept properties: `seventh` lists the ICD-10-CM 7th characters that count (e.g. "ABGK" for a current fracture: D routine healing, P malunion and S sequela never count; a code without a 7th character does not count); `recent: true` requires onset (recordedDate only when no onset) within recentDays of now; a code with 7th character S (sequela) never counts.',
  reads: ['Condition'],
  params: {
    type: 'object',
    required: ['valueset', 'recentDays'],
    additionalProperties: false,
    properties: { valueset: VALUESET, recentDays: POSITIVE }
  },
  valueSetParams: ['valueset'],
  returns: '{ found, count, names, codes, kinds, latestDate }',
  returnsSchema: shape({
    found: 'boolean', count: 'number', names: 'string', codes: 'string[]', latestDate: 'string?', kinds: 'string?'
  }),
  compute: ({ record, valueSet }, params) => {
    const recent = num(params, 'recentDays')
    const hits = activeConditions(record, valueSet(text(params, 'valueset')))
      .filter((c) => countsAsRedFlag(c, record.time.ms, recent))
    const kinds = [...new Set(hits.map((h) => String(h.match.properties.kind ?? 'red flag')))].sort()
    return { ...summary(hits), kinds: kinds.length === 0 ? null : kinds.join(', ') }
  }
}

export const painDurationFact: FactDefinition = {
  name: 'painDuration',
  description: 'Days from the earliest onset of an active qualifying pain or facet Condition (value set pain-diagnoses) of the order\'s region (properties.region; codes without a region count for both) to the planned date (order hooks) or now. Without an order every region counts. No such Condition → found false (missing data is not short duration).',
  reads: ['Condition'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, days, onset, diagnosis, region }',
  returnsSchema: shape({ found: 'boolean', days: 'number', onset: 'string', diagnosis: 'string', region: 'string?' }),
  compute: (ctx) => {
    const region = ctx.order?.region
    const dated = activeConditions(ctx.record, ctx.valueSet('pain-diagnoses')).filter((c) => {
      const r = c.match.properties.region
      return c.day !== undefined && (region === undefined || r === undefined || r === region)
    })
    if (dated.length === 0) return { found: false }
    const earliest = dated.reduce((a, b) => ((b.day as number) < (a.day as number) ? b : a))
    const onset = earliest.day as number
    return {
      found: true,
      days: anchorDay(ctx) - onset,
      onset: isoDate(onset),
      diagnosis: earliest.match.display,
      region: region ?? null
    }
  }
}
