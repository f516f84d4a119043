// Facts about care over time: conservative care before a facet procedure, PT after one.

import { isoDate } from '../../fhir/dates.js'
import { medications } from './clinical.js'
import { type FactDefinition, POSITIVE, anchorDay, facetHistory, num } from './fact.js'
import { intentMembers } from './facet-history-facts.js'
import { ptActivity } from './pt.js'

export const conservativeCareFact: FactDefinition = {
  name: 'conservativeCare',
  description: 'Conservative care in the lookbackDays before the planned date: PT activity (procedures, referrals, appointments; orders being placed now excluded) and NSAID/analgesic MedicationRequests of any status but cancelled/entered-in-error. spanDays = first to last record.',
  reads: ['Procedure', 'ServiceRequest', 'MedicationRequest'],
  params: { type: 'object', required: ['lookbackDays'], additionalProperties: false, properties: { lookbackDays: POSITIVE } },
  returns: '{ found, count, first, last, spanDays, kinds }',
  compute: (ctx, params) => {
    const end = anchorDay(ctx)
    const start = end - num(params, 'lookbackDays')
    const days: Array<{ day: number, kind: string }> = []
    for (const pt of ptActivity(ctx.record, ctx.valueSet)) days.push({ day: pt.day, kind: 'physical therapy' })
    for (const m of medications(ctx.record, ctx.valueSet('conservative-care-medications'))) {
      if (m.day !== undefined) days.push({ day: m.day, kind: 'analgesic/NSAID' })
    }
    const inWindow = days.filter((d) => d.day >= start && d.day <= end)
    if (inWindow.length === 0) return { found: false, count: 0 }
    const first = Math.min(...inWindow.map((d) => d.day))
    const last = Math.max(...inWindow.map((d) => d.day))
    return {
      found: true,
      count: inWindow.length,
      first: isoDate(first),
      last: isoDate(last),
      spanDays: last - first,
      kinds: [...new Set(inWindow.map((d) => d.kind))].sort().join(' and ')
    }
  }
}

const BOOKED = new Set(['booked', 'arrived', 'fulfilled', 'checked-in'])

export const facetFollowUpFact: FactDefinition = {
  name: 'facetFollowUp',
  description: 'The latest completed therapeutic or RFA facet session within withinDays of now, and whether a PT evaluation (97161–97163) was done or a PT appointment booked since that day.',
  reads: ['Procedure', 'Appointment'],
  params: { type: 'object', required: ['withinDays'], additionalProperties: false, properties: { withinDays: POSITIVE } },
  returns: '{ found, date, daysAgo, type: therapeutic|rfa, region, ptEvaluated, ptBooked }',
  compute: (ctx, params) => {
    const { record } = ctx
    const within = num(params, 'withinDays')
    const session = facetHistory(ctx)
      .filter((s) => s.type !== 'diagnostic' && s.day <= record.time.day && record.time.day - s.day <= within)
      .at(-1)
    if (session === undefined) return { found: false }
    const pt = ptActivity(record, ctx.valueSet).filter((p) => p.day >= session.day)
    return {
      found: true,
      date: session.date,
      daysAgo: record.time.day - session.day,
      type: session.type,
      region: session.region,
      ptEvaluated: pt.some((p) => p.kind === 'evaluation' || p.kind === 're-evaluation'),
      ptBooked: pt.some((p) => p.kind === 'appointment' && BOOKED.has(p.status)),
      ...intentMembers([session])
    }
  }
}

