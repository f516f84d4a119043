// ESC-04's readings of the record (revision 2b "Definitions"): new or worse spine pain and its
// worsening date, measured weight loss, cancer history by group, spine imaging. Pure functions
// over the record; the facts in serious-pathology-facts.ts expose them to rules.

import { DAY_MS, dayNumber, isoDate, withinDaysBefore } from '../../fhir/dates.js'
import { round } from '../../fhir/quantity.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import { type Resource, clinicalDate, obj, str } from '../../fhir/resource.js'
import type { ValueSet } from '../../fhir/valueset.js'
import { activeConditions, names, readings } from './clinical.js'
import type { FactContext } from './fact.js'
import { painSeries } from './scores.js'

export interface SpinePain {
  found: boolean
  source?: string
  newOrWorse?: boolean
  /** Day of the latest new-pain onset or of the latest (worse) score. */
  worseningDay?: number
  why?: string
}

/**
 * Spine pain = an active pain-diagnoses Condition, or a facet/PT order being placed. New = such a
 * Condition with onset (recordedDate only when no onset) within `newDays` before now. Worse = the
 * latest pain score dated within `newDays` before now ≥ an earlier score within those days +
 * `points` (post-procedure block readings excluded).
 */
export function spinePain (ctx: FactContext, newDays: number, points: number): SpinePain {
  const { record } = ctx
  const conds = activeConditions(record, ctx.valueSet('pain-diagnoses'))
  const ptVs = ['pt-referral', 'pt-evaluation', 'pt-treatment'].map(ctx.valueSet)
  const ordering = ctx.order !== undefined ||
    record.activeOrders.some((r) => ptVs.some((vs) => vs.match(r.code) !== undefined))
  if (conds.length === 0 && !ordering) return { found: false }
  const recent = conds.filter((c) => withinDaysBefore(clinicalDate(c.resource), record.time.ms, newDays))
  const scores = painSeries(record, ctx.valueSet, { excludePostProcedure: true })
    .filter((r) => withinDaysBefore(r.date, record.time.ms, newDays))
  const [latest, ...earlier] = scores
  const lowest = earlier.length === 0 ? undefined : earlier.reduce((a, b) => (b.value < a.value ? b : a))
  const worse = latest !== undefined && lowest !== undefined && latest.value >= lowest.value + points
    ? { latest, lowest }
    : undefined
  const days = [...recent.map((c) => c.day), worse?.latest.day].filter((d): d is number => d !== undefined)
  const rise = worse === undefined
    ? undefined
    : `pain ${worse.lowest.value} (${worse.lowest.date.slice(0, 10)}) → ${worse.latest.value}/10 (${worse.latest.date.slice(0, 10)})`
  const why = [recent.length > 0 ? `new diagnosis: ${names(recent).join(', ')}` : undefined, rise].filter(Boolean).join('; ')
  return {
    found: true,
    source: conds.length > 0 ? names(conds).join(', ') : 'spine order being placed',
    newOrWorse: recent.length > 0 || worse !== undefined,
    ...(days.length === 0 ? {} : { worseningDay: Math.max(...days) }),
    ...(why === '' ? {} : { why })
  }
}

export interface WeightLoss { lossPct: number, fromKg: number, fromDay: number, toKg: number, toDay: number }

/** Highest earlier body weight in the window vs the latest (kg via UCUM; unknown units skipped). */
export function weightLoss (
  record: EvaluationRecord,
  bodyWeight: ValueSet,
  withinDays: number
): WeightLoss | undefined {
  const list = readings(record, bodyWeight, 'kg').list.filter((r) => withinDaysBefore(r.date, record.time.ms, withinDays))
  const [latest, ...earlier] = list
  if (latest === undefined || earlier.length === 0) return undefined
  const top = earlier.reduce((a, b) => (b.value > a.value ? b : a))
  return {
    lossPct: round((top.value - latest.value) / top.value * 100),
    fromKg: round(top.value),
    fromDay: top.day,
    toKg: round(latest.value),
    toDay: latest.day
  }
}

export interface CancerHistory { boneTropic: string[], other: string[], latestOnsetDay: number | undefined }

/** Active cancer Conditions by group (value set malignancy, properties.group); `excluded` (Z85.828, C44)
 *  never counts. */
export function cancerHistory (ctx: FactContext): CancerHistory {
  const hits = activeConditions(ctx.record, ctx.valueSet('malignancy'))
  const bone = hits.filter((h) => h.match.properties.group === 'bone-tropic')
  const other = hits.filter((h) => h.match.properties.group === 'other')
  const days = [...bone, ...other].map((h) => h.day).filter((d): d is number => d !== undefined)
  return {
    boneTropic: names(bone),
    other: names(other),
    latestOnsetDay: days.length === 0 ? undefined : Math.max(...days)
  }
}

const IMAGING_TYPES: ReadonlyArray<[
  string,
  (r: Resource) => boolean,
  (r: Resource) => unknown,
  (r: Resource) => string | undefined
]> = [
  ['Procedure', (r) => r.status === 'completed', (r) => r.code, clinicalDate],
  ['DiagnosticReport', (r) => ['final', 'amended', 'corrected', 'appended'].includes(String(r.status)), (r) => r.code,
    (r) => str(r.effectiveDateTime) ?? str(obj(r.effectivePeriod)?.start) ?? str(r.issued)],
  ['ImagingStudy', (r) => r.status === 'available', (r) => r.procedureCode, (r) => str(r.started)]
]

export interface Imaging { day: number, name: string, modality: string }

/** Spine imaging records (value set spine-imaging, properties.modality) dated on or before today, newest first. */
export function spineImaging (record: EvaluationRecord, vs: ValueSet): Imaging[] {
  return record.remember(`spine-imaging|${vs.id}`, () => {
    const out: Imaging[] = []
    for (const [type, ok, code, date] of IMAGING_TYPES) {
      for (const r of record.ofType(type)) {
        const m = ok(r) ? vs.match(code(r)) : undefined
        const day = m === undefined ? undefined : dayNumber(date(r))
        if (m === undefined || day === undefined || day * DAY_MS > record.time.ms) continue
        out.push({ day, name: m.display, modality: String(m.properties.modality ?? 'other') })
      }
    }
    return out.sort((a, b) => b.day - a.day)
  })
}

export const dateOf = (day: number | undefined): string | null => day === undefined ? null : isoDate(day)
