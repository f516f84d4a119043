// Facts about care over time: conservative care before a facet procedure (PT after one: pt-follow-up-facts.ts).

import { isoDate } from '../../fhir/dates.js'
import { medications } from './clinical.js'
import { type FactDefinition, POSITIVE, anchorDay, num } from './fact.js'
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
