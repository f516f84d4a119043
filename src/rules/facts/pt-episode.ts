// The PT episode as FHIR-DATA.md defines it: active PT plan of care (CarePlan category 91251008),
// episode start = latest PT evaluation, visits = distinct treatment dates, discharge and plan end.

import { dayNumber } from '../../fhir/dates.js'
import { isFinalObservation } from '../../fhir/quantity.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import { type Resource, clinicalDate, obj, str } from '../../fhir/resource.js'
import type { ValueSet } from '../../fhir/valueset.js'
import { asArray } from '../../fhir/valueset.js'
import { ptActivity } from './pt.js'

export interface PtPlan {
  resource: Resource
  createdDay: number | undefined
  startDay: number | undefined
  endDay: number | undefined
}

export interface PtEpisode {
  /** Active PT plan of care (latest), if any. */
  plan: PtPlan | undefined
  /** Latest PT evaluation on or before today. */
  evaluationDay: number | undefined
  /** Episode start: latest evaluation, else the plan's period.start / created. */
  startDay: number | undefined
  /** Distinct PT treatment dates on or after the start, up to today. */
  visitDays: number[]
  /** Latest evaluation or re-evaluation (progress report) on or before today. */
  lastReportDay: number | undefined
  /** Latest PT discharge documented on or after the latest evaluation (up to today). */
  dischargeDay: number | undefined
}

/** Latest scheduled end over CarePlan.activity (scheduledPeriod.end / scheduledTiming bounds). */
function activityEndDay (plan: Resource): number | undefined {
  let end: number | undefined
  for (const a of asArray(plan.activity as unknown[])) {
    const d = obj(obj(a)?.detail)
    if (d === undefined) continue
    const ends = [str(obj(d.scheduledPeriod)?.end), str(obj(obj(obj(d.scheduledTiming)?.repeat)?.boundsPeriod)?.end)]
    for (const e of ends) {
      const day = dayNumber(e)
      if (day !== undefined && (end === undefined || day > end)) end = day
    }
  }
  return end
}

export function activePtPlan (record: EvaluationRecord, valueSet: (id: string) => ValueSet): PtPlan | undefined {
  return record.remember('pt-plan', () => {
    const plans = record.coded('CarePlan', valueSet('pt-care-plan-category'))
      .map(({ resource }) => resource)
      .filter((r) => r.status === 'active' && !record.isDraftOrder(r))
      .map((resource) => ({
        resource,
        createdDay: dayNumber(resource.created),
        startDay: dayNumber(obj(resource.period)?.start) ?? dayNumber(resource.created),
        endDay: dayNumber(obj(resource.period)?.end) ?? activityEndDay(resource)
      }))
    plans.sort((a, b) => (a.startDay ?? -Infinity) - (b.startDay ?? -Infinity))
    return plans.at(-1)
  })
}

/** Records in a value set (completed Procedures, final Observations) dated on or before today. */
export function documentedDays (record: EvaluationRecord, vs: ValueSet): number[] {
  const days: number[] = []
  for (const { resource } of record.coded('Procedure', vs)) {
    if (resource.status !== 'completed') continue
    const d = dayNumber(clinicalDate(resource))
    if (d !== undefined && d <= record.time.day) days.push(d)
  }
  for (const { resource } of record.coded('Observation', vs)) {
    if (!isFinalObservation(resource)) continue
    const d = dayNumber(clinicalDate(resource))
    if (d !== undefined && d <= record.time.day) days.push(d)
  }
  return days.sort((a, b) => a - b)
}

export function ptEpisode (record: EvaluationRecord, valueSet: (id: string) => ValueSet): PtEpisode {
  return record.remember('pt-episode', () => {
    const today = record.time.day
    const pt = ptActivity(record, valueSet).filter((p) => p.day <= today)
    const plan = activePtPlan(record, valueSet)
    const evaluationDay = pt.filter((p) => p.kind === 'evaluation').at(-1)?.day
    const startDay = evaluationDay ?? plan?.startDay
    const visitDays = startDay === undefined
      ? []
      : [...new Set(pt.filter((p) => p.kind === 'treatment' && p.day >= startDay).map((p) => p.day))].sort((a, b) => a - b)
    const lastReportDay = pt.filter((p) => p.kind === 'evaluation' || p.kind === 're-evaluation').at(-1)?.day
    const discharges = documentedDays(record, valueSet('pt-discharge'))
      .filter((d) => evaluationDay === undefined || d >= evaluationDay)
    return { plan, evaluationDay, startDay, visitDays, lastReportDay, dischargeDay: discharges.at(-1) }
  })
}
