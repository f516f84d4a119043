// Escalation signals tied to a facet procedure: infection after a procedure (ESC-03), post-steroid
// glucose (ESC-06). ESC-02 is read in neuro-facts.ts, ESC-04 in serious-pathology-facts.ts.

import { completedSessions, type FacetSession } from '../../fhir/facet.js'
import { dayNumber } from '../../fhir/dates.js'
import { activeConditions, medications, names, readings } from './clinical.js'
import { type FactContext, type FactDefinition, POSITIVE, num } from './fact.js'
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
