// Escalation signals tied to a facet procedure: infection after a procedure (ESC-03), post-steroid
// glucose (ESC-06). ESC-02 is read in neuro-facts.ts, ESC-04 in serious-pathology-facts.ts.

import type { FacetSession } from '../../fhir/facet.js'
import { dayNumber, isoDate } from '../../fhir/dates.js'
import { activeConditions, names, readings } from './clinical.js'
import { type FactContext, type FactDefinition, POSITIVE, facetHistory, num, shape } from './fact.js'
import { intentMembers } from './facet-history-facts.js'
import { courseNames, startedCourses } from './medication-facts.js'
import { type SteroidExposure, sessionSteroid } from './steroid-exposure.js'
import { sessionInstant } from './trend-facts.js'

function recentSession (
  ctx: FactContext,
  within: number,
  keep: (s: FacetSession) => boolean = () => true
): FacetSession | undefined {
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
  returnsSchema: shape({
    found: 'boolean',
    critical: 'boolean',
    antibioticOnly: 'boolean',
    procedureDate: 'string',
    daysAgo: 'number',
    maxTemp: 'number?',
    maxTempDate: 'string?',
    conditions: 'string?',
    antibiotics: 'string?',
    antibioticDate: 'string?',
    signals: 'string'
  }),
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
  returnsSchema: shape({
    found: 'boolean',
    procedureDate: 'string',
    daysAgo: 'number',
    steroid: 'string',
    assumed: 'boolean',
    maxGlucose: 'number?',
    maxGlucoseDate: 'string?',
    readings: 'number',
    intentBasis: 'string?',
    inferredIntent: 'object?'
  }),
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
