// Escalation signals tied to a facet procedure: infection after a procedure (ESC-03), post-steroid
// glucose (ESC-06), serious-pathology context (ESC-04: spine pain, weight loss). ESC-02's new
// neurological deficit is read in neuro-facts.ts.

import { completedSessions, type FacetSession } from '../../fhir/facet.js'
import { dayNumber, isoDate } from '../../fhir/dates.js'
import { isFinalObservation, round } from '../../fhir/quantity.js'
import { obj, str } from '../../fhir/resource.js'
import { activeConditions, medications, names, readings } from './clinical.js'
import { type FactContext, type FactDefinition, POSITIVE, num } from './fact.js'
import { painSeries } from './scores.js'
import { sessionInstant } from './trend-facts.js'

function recentSession (ctx: FactContext, within: number, keep: (s: FacetSession) => boolean = () => true): FacetSession | undefined {
  const today = ctx.record.time.day
  return completedSessions(ctx.record, ctx.valueSet('facet-procedures'))
    .filter((s) => s.day <= today && today - s.day <= within && keep(s)).at(-1)
}

const onsetDays = (c: { day: number | undefined, resource: Record<string, unknown> }): number[] =>
  [c.day, dayNumber(c.resource.recordedDate)].filter((d): d is number => d !== undefined)

export const postProcedureInfectionFact: FactDefinition = {
  name: 'postProcedureInfection',
  description: 'Infection signals after the latest completed facet session within withinDays of now: a temperature ≥ feverC after the procedure time; an active post-procedure-infection Condition (T81.4x, R50.82, spinal infection, fever) with onset on or after the procedure day; a systemic antibiotic started on a later day than the procedure (same-day peri-procedural prophylaxis is not counted).',
  reads: ['Procedure', 'Observation', 'Condition', 'MedicationRequest'],
  params: { type: 'object', required: ['withinDays', 'feverC'], additionalProperties: false, properties: { withinDays: POSITIVE, feverC: POSITIVE } },
  returns: '{ found, procedureDate, daysAgo, maxTemp, maxTempDate, conditions, antibiotics, signals }',
  compute: (ctx, params) => {
    const s = recentSession(ctx, num(params, 'withinDays'))
    if (s === undefined) return { found: false }
    const { ms } = sessionInstant(s)
    const temps = readings(ctx.record, ctx.valueSet('body-temperature'), 'Cel').list.filter((r) => r.ms > ms)
    const fever = temps.filter((r) => r.value >= num(params, 'feverC')).sort((a, b) => b.value - a.value)[0]
    const conds = activeConditions(ctx.record, ctx.valueSet('post-procedure-infection')).filter((c) => onsetDays(c).some((d) => d >= s.day))
    const abx = medications(ctx.record, ctx.valueSet('systemic-antibiotics')).filter((m) => m.day !== undefined && m.day > s.day && m.day <= ctx.record.time.day)
    const signals = [fever === undefined ? undefined : `temperature ${fever.value} °C on ${fever.date.slice(0, 10)}`,
      conds.length === 0 ? undefined : `diagnosis: ${names(conds).join(', ')}`,
      abx.length === 0 ? undefined : `antibiotic started: ${names(abx).join(', ')}`].filter(Boolean)
    return {
      found: signals.length > 0,
      procedureDate: s.date,
      daysAgo: ctx.record.time.day - s.day,
      maxTemp: fever?.value ?? null,
      maxTempDate: fever === undefined ? null : fever.date.slice(0, 10),
      conditions: conds.length === 0 ? null : names(conds).join(', '),
      antibiotics: abx.length === 0 ? null : names(abx).join(', '),
      signals: signals.join('; ')
    }
  }
}

export const postSteroidGlucoseFact: FactDefinition = {
  name: 'postSteroidGlucose',
  description: 'The latest completed steroid facet session within withinDays of now (a line with a corticosteroid Procedure.usedCode, or a therapeutic IA/MBB with no injectate recorded) and the highest glucose (mg/dL, mmol/L converted) taken after the procedure time.',
  reads: ['Procedure', 'Observation'],
  params: { type: 'object', required: ['withinDays'], additionalProperties: false, properties: { withinDays: POSITIVE } },
  returns: '{ found, procedureDate, daysAgo, steroid, maxGlucose, maxGlucoseDate, readings }',
  compute: (ctx, params) => {
    const steroids = ctx.valueSet('corticosteroids')
    const steroidOf = (s: FacetSession): string | undefined => {
      for (const l of s.lines) {
        const used = l.resource.usedCode
        const m = steroids.match(used)
        if (m !== undefined) return String(m.properties.drug ?? m.display)
        if (used === undefined && s.type === 'therapeutic') return 'injectate not recorded (therapeutic injection counted as steroid)'
      }
      return undefined
    }
    const s = recentSession(ctx, num(params, 'withinDays'), (x) => steroidOf(x) !== undefined)
    if (s === undefined) return { found: false }
    const { ms } = sessionInstant(s)
    const after = readings(ctx.record, ctx.valueSet('glucose'), 'mg/dL').list.filter((r) => r.ms > ms)
    const max = [...after].sort((a, b) => b.value - a.value)[0]
    return {
      found: max !== undefined,
      procedureDate: s.date,
      daysAgo: ctx.record.time.day - s.day,
      steroid: steroidOf(s),
      maxGlucose: max === undefined ? null : Math.round(max.value),
      maxGlucoseDate: max === undefined ? null : max.date.slice(0, 10),
      readings: after.length
    }
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
