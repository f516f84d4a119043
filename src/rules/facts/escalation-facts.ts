// Escalation signals tied to a facet procedure or the PT episode: infection after a procedure
// (ESC-03), post-steroid glucose (ESC-06), new neurological deficit (ESC-02), serious-pathology
// context (ESC-04: spine pain, weight loss).

import type { FacetSession } from '../../fhir/facet.js'
import { dayNumber, isoDate } from '../../fhir/dates.js'
import { isFinalObservation, round } from '../../fhir/quantity.js'
import { obj, str } from '../../fhir/resource.js'
import { activeConditions, names, readings } from './clinical.js'
import { type FactContext, type FactDefinition, POSITIVE, facetHistory, num } from './fact.js'
import { intentMembers } from './facet-history-facts.js'
import { courseNames, startedCourses } from './medication-facts.js'
import { ptEpisode } from './pt-episode.js'
import { type SteroidExposure, sessionSteroid } from './steroid-exposure.js'
import { painSeries } from './scores.js'
import { sessionInstant } from './trend-facts.js'

function recentSession (ctx: FactContext, within: number, keep: (s: FacetSession) => boolean = () => true): FacetSession | undefined {
  const today = ctx.record.time.day
  return facetHistory(ctx)
    .filter((s) => s.day <= today && today - s.day <= within && keep(s)).at(-1)
}

const onsetDays = (c: { day: number | undefined, resource: Record<string, unknown> }): number[] =>
  [c.day, dayNumber(c.resource.recordedDate)].filter((d): d is number => d !== undefined)

export const postProcedureInfectionFact: FactDefinition = {
  name: 'postProcedureInfection',
  description: 'Infection signals after the latest completed facet session within withinDays of now. Fever: the latest temperature reading (final/amended/corrected, °F converted, unknown units skipped) is ≥ feverC and taken after the procedure time (a later reading below feverC = resolved, no fever). Condition: an active post-procedure-infection Condition (T81.4x, R50.82, spinal infection, fever) with onset or recorded date on or after the procedure day. critical = fever or such a Condition (ESC-03(a)). Antibiotic: a systemic antibiotic (MEDICATION MATCH; status active or completed; topical/ophthalmic/otic excluded; started = authoredOn, else validityPeriod.start, else effective start) started on a later day than the procedure — same-day peri-procedural prophylaxis is not counted; antibioticOnly = antibiotic and not critical (ESC-03(b)).',
  reads: ['Procedure', 'Observation', 'Condition', 'MedicationRequest', 'MedicationStatement'],
  params: { type: 'object', required: ['withinDays', 'feverC'], additionalProperties: false, properties: { withinDays: POSITIVE, feverC: POSITIVE } },
  returns: '{ found, critical, antibioticOnly, procedureDate, daysAgo, maxTemp, maxTempDate, conditions, antibiotics, antibioticDate, signals }',
  compute: (ctx, params) => {
    const s = recentSession(ctx, num(params, 'withinDays'))
    if (s === undefined) return { found: false }
    const { ms } = sessionInstant(s)
    const latest = readings(ctx.record, ctx.valueSet('body-temperature'), 'Cel').list[0]
    const fever = latest !== undefined && latest.ms > ms && latest.value >= num(params, 'feverC') ? latest : undefined
    const conds = activeConditions(ctx.record, ctx.valueSet('post-procedure-infection')).filter((c) => onsetDays(c).some((d) => d >= s.day))
    const abx = startedCourses(ctx.record, ctx.valueSet('systemic-antibiotics'))
      .filter((m) => m.day > s.day && m.day <= ctx.record.time.day).sort((a, b) => a.day - b.day)
    const critical = fever !== undefined || conds.length > 0
    const signals = [fever === undefined ? undefined : `temperature ${fever.value} °C on ${fever.date.slice(0, 10)} (latest reading)`,
      conds.length === 0 ? undefined : `diagnosis: ${names(conds).join(', ')}`,
      abx.length === 0 ? undefined : `antibiotic started: ${courseNames(abx)}`].filter(Boolean)
    return {
      found: signals.length > 0,
      critical,
      antibioticOnly: !critical && abx.length > 0,
      procedureDate: s.date,
      daysAgo: ctx.record.time.day - s.day,
      maxTemp: fever?.value ?? null,
      maxTempDate: fever === undefined ? null : fever.date.slice(0, 10),
      conditions: conds.length === 0 ? null : names(conds).join(', '),
      antibiotics: abx.length === 0 ? null : courseNames(abx),
      antibioticDate: abx.length === 0 ? null : isoDate(abx[0]!.day),
      signals: signals.join('; ')
    }
  }
}

export const postSteroidGlucoseFact: FactDefinition = {
  name: 'postSteroidGlucose',
  description: 'The latest completed steroid facet session within withinDays of now (IS_STEROID for the safety rules: a corticosteroid in Procedure.usedCode or its order\'s orderDetail, or an IA/MBB with no injectate recorded and no explicit or signalled diagnostic intent: steroid assumed) and the highest glucose (mg/dL, mmol/L converted) taken after the procedure time.',
  reads: ['Procedure', 'Observation'],
  params: { type: 'object', required: ['withinDays'], additionalProperties: false, properties: { withinDays: POSITIVE } },
  returns: '{ found, procedureDate, daysAgo, steroid, assumed, maxGlucose, maxGlucoseDate, readings, intentBasis, inferredIntent }',
  compute: (ctx, params) => {
    const steroids = ctx.valueSet('corticosteroids')
    const exposure = (s: FacetSession): SteroidExposure => sessionSteroid(ctx.record, s, steroids)
    const s = recentSession(ctx, num(params, 'withinDays'), (x) => exposure(x).steroid)
    if (s === undefined) return { found: false }
    const { ms } = sessionInstant(s)
    const after = readings(ctx.record, ctx.valueSet('glucose'), 'mg/dL').list.filter((r) => r.ms > ms)
    const max = [...after].sort((a, b) => b.value - a.value)[0]
    return {
      found: max !== undefined,
      procedureDate: s.date,
      daysAgo: ctx.record.time.day - s.day,
      steroid: exposure(s).basis,
      assumed: exposure(s).assumed,
      ...(exposure(s).assumed ? intentMembers([s]) : {}),
      maxGlucose: max === undefined ? null : Math.round(max.value),
      maxGlucoseDate: max === undefined ? null : max.date.slice(0, 10),
      readings: after.length
    }
  }
}

export const newNeuroDeficitFact: FactDefinition = {
  name: 'newNeuroDeficit',
  description: 'An active neuro-deficit Condition (motor weakness, foot drop, radiculopathy) with onset or recorded date within windowDays of now that is new relative to care: dated on or after a completed facet session no more than windowDays earlier, or on or after the start of the active PT episode.',
  reads: ['Condition', 'Procedure', 'CarePlan'],
  params: { type: 'object', required: ['windowDays'], additionalProperties: false, properties: { windowDays: POSITIVE } },
  returns: '{ found, names, onsetDate, context }',
  compute: (ctx, params) => {
    const window = num(params, 'windowDays')
    const today = ctx.record.time.day
    const sessions = facetHistory(ctx).filter((s) => s.day <= today)
    const ep = ptEpisode(ctx.record, ctx.valueSet)
    const ptStart = ep.plan === undefined ? undefined : ep.startDay
    const hits: Array<{ day: number, why: string, c: ReturnType<typeof activeConditions>[number] }> = []
    for (const c of activeConditions(ctx.record, ctx.valueSet('neuro-deficit'))) {
      const d = onsetDays(c).filter((x) => x <= today && today - x <= window).sort((a, b) => b - a)[0]
      if (d === undefined) continue
      const proc = sessions.filter((s) => s.day <= d && d - s.day <= window).at(-1)
      if (proc !== undefined) hits.push({ day: d, c, why: `${d - proc.day} days after the facet procedure of ${proc.date}` })
      else if (ptStart !== undefined && d >= ptStart) hits.push({ day: d, c, why: `during the PT episode started ${isoDate(ptStart)}` })
    }
    if (hits.length === 0) return { found: false }
    hits.sort((a, b) => b.day - a.day)
    return { found: true, names: names(hits.map((h) => h.c)).join(', '), onsetDate: isoDate(hits[0]!.day), context: hits.map((h) => h.why).join('; ') }
  }
}

export const spinePainFact: FactDefinition = {
  name: 'spinePain',
  description: 'Spine pain on record: an active pain-diagnoses Condition, or a facet/PT order being placed in this call. newOrWorse = such a Condition with onset or recorded date within newWithinDays, or the latest pain score ≥ the lowest one in the newWithinDays before it (none there: the most recent earlier one) + worsenPoints. Post-procedure readings (partOf → a facet Procedure, taken after it; date-only procedure: all linked readings but the earliest of that day) are ignored on both sides.',
  reads: ['Condition', 'Observation', 'Procedure'],
  params: { type: 'object', required: ['newWithinDays', 'worsenPoints'], additionalProperties: false, properties: { newWithinDays: POSITIVE, worsenPoints: POSITIVE } },
  returns: '{ found, source, newOrWorse, why }',
  compute: (ctx, params) => {
    const today = ctx.record.time.day
    const conds = activeConditions(ctx.record, ctx.valueSet('pain-diagnoses'))
    const ptVs = ['pt-referral', 'pt-evaluation', 'pt-treatment'].map(ctx.valueSet)
    const ordering = ctx.order !== undefined || ctx.record.activeOrders.some((r) => ptVs.some((vs) => vs.match(r.code) !== undefined))
    if (conds.length === 0 && !ordering) return { found: false }
    const recent = conds.filter((c) => onsetDays(c).some((d) => d <= today && today - d <= num(params, 'newWithinDays')))
    const [latest, ...earlier] = painSeries(ctx.record, ctx.valueSet, { excludePostProcedure: true })
    const inWindow = latest === undefined ? [] : earlier.filter((r) => latest.day - r.day <= num(params, 'newWithinDays'))
    const previous = inWindow.length === 0 ? earlier[0] : inWindow.reduce((a, b) => (b.value < a.value ? b : a))
    const worse = latest !== undefined && previous !== undefined && latest.value >= previous.value + num(params, 'worsenPoints')
    const why = [recent.length > 0 ? `new diagnosis: ${names(recent).join(', ')}` : undefined,
      worse ? `pain ${previous!.value} (${previous!.date.slice(0, 10)}) → ${latest!.value}/10 (${latest!.date.slice(0, 10)})` : undefined].filter(Boolean).join('; ')
    return {
      found: true,
      source: conds.length > 0 ? names(conds).join(', ') : 'spine order being placed',
      newOrWorse: recent.length > 0 || worse,
      why: why === '' ? null : why
    }
  }
}

const KG: Record<string, number> = { kg: 1, g: 0.001, '[lb_av]': 0.45359237, lb: 0.45359237, lbs: 0.45359237 }

export const weightLossFact: FactDefinition = {
  name: 'weightLoss',
  description: 'Weight loss over the last withinDays: the highest body weight (value set body-weight; kg, g or [lb_av]) in the window before the latest weight, against the latest weight, in % of the highest. Unknown units are skipped. found = at least two readable weights in the window.',
  reads: ['Observation'],
  params: { type: 'object', required: ['withinDays'], additionalProperties: false, properties: { withinDays: POSITIVE } },
  returns: '{ found, lossPct, fromKg, fromDate, toKg, toDate }',
  compute: ({ record, valueSet }, params) => {
    const today = record.time.day
    const list: Array<{ kg: number, day: number, ms: number }> = []
    for (const { resource } of record.coded('Observation', valueSet('body-weight'))) {
      if (!isFinalObservation(resource)) continue
      const q = obj(resource.valueQuantity)
      const f = KG[str(q?.code) ?? str(q?.unit) ?? '']
      const date = str(resource.effectiveDateTime) ?? str(obj(resource.effectivePeriod)?.start)
      const day = dayNumber(date)
      if (f === undefined || typeof q?.value !== 'number' || day === undefined || day > today || today - day > num(params, 'withinDays')) continue
      list.push({ kg: q.value * f, day, ms: Date.parse(date ?? '') || day * 86_400_000 })
    }
    list.sort((a, b) => b.ms - a.ms)
    const latest = list[0]
    const earlier = list.slice(1)
    if (latest === undefined || earlier.length === 0) return { found: false }
    const top = earlier.reduce((a, b) => (b.kg > a.kg ? b : a))
    return { found: true, lossPct: round((top.kg - latest.kg) / top.kg * 100), fromKg: round(top.kg), fromDate: isoDate(top.day), toKg: round(latest.kg), toDate: isoDate(latest.day) }
  }
}
