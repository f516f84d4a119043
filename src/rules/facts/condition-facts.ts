// Facts read from Conditions: problem-list entries in a value set, pain duration.

import { dayNumber, isoDate } from '../../fhir/dates.js'
import { activeConditions, names } from './clinical.js'
import { type FactDefinition, POSITIVE, VALUESET, anchorDay, text } from './fact.js'

export const conditionPresentFact: FactDefinition = {
  name: 'conditionPresent',
  description: 'Active (or recurrent/relapsed) Conditions in a value set; with withinDays, only those whose onset or recorded date is within that many days of now.',
  reads: ['Condition'],
  params: {
    type: 'object',
    required: ['valueset'],
    additionalProperties: false,
    properties: { valueset: VALUESET, withinDays: POSITIVE }
  },
  valueSetParams: ['valueset'],
  returns: '{ found, count, names, codes, latestDate }',
  compute: ({ record, valueSet }, params) => {
    const within = typeof params.withinDays === 'number' ? params.withinDays : undefined
    const hits = activeConditions(record, valueSet(text(params, 'valueset'))).filter((c) => {
      if (within === undefined) return true
      const days = [c.day, dayNumber(c.resource.recordedDate)].filter((d): d is number => d !== undefined)
      return days.some((d) => record.time.day - d <= within && d <= record.time.day)
    })
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
}

export const painDurationFact: FactDefinition = {
  name: 'painDuration',
  description: 'Days from the earliest onset of an active qualifying pain or facet Condition (value set pain-diagnoses) to the planned date (order hooks) or now. No such Condition → found false (missing data is not short duration).',
  reads: ['Condition'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, days, onset, diagnosis }',
  compute: (ctx) => {
    const dated = activeConditions(ctx.record, ctx.valueSet('pain-diagnoses')).filter((c) => c.day !== undefined)
    if (dated.length === 0) return { found: false }
    const earliest = dated.reduce((a, b) => ((b.day as number) < (a.day as number) ? b : a))
    const onset = earliest.day as number
    return { found: true, days: anchorDay(ctx) - onset, onset: isoDate(onset), diagnosis: earliest.match.display }
  }
}
