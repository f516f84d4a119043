// Facts read from Observations: pain scores, vital signs and laboratory values.

import { isoDate } from '../../fhir/dates.js'
import { round } from '../../fhir/quantity.js'
import { readings } from './clinical.js'
import { painSeries } from './scores.js'
import { type FactDefinition, POSITIVE, VALUESET, text } from './fact.js'

const HOUR_MS = 3_600_000

export const latestPainScoreFact: FactDefinition = {
  name: 'latestPainScore',
  description: 'The most recent pain-score Observation (NRS/VAS/PEG pain item, 0–10) of any kind, block-linked readings included; optionally only within lookbackDays of now. excludePostProcedure: true skips post-procedure readings (partOf → a completed facet Procedure and taken after it; date-only procedure: every linked reading of that day but the earliest).',
  reads: ['Observation'],
  readsWhen: { excludePostProcedure: ['Procedure'] },
  params: { type: 'object', additionalProperties: false, properties: { lookbackDays: POSITIVE, excludePostProcedure: { type: 'boolean' } } },
  returns: '{ found, value, date, daysAgo, code, unreadable }',
  compute: ({ record, valueSet }, params) => {
    const { unreadable } = readings(record, valueSet('pain-scores'), '{score}')
    const lookback = typeof params.lookbackDays === 'number' ? params.lookbackDays : Infinity
    const latest = painSeries(record, valueSet, { excludePostProcedure: params.excludePostProcedure === true })
      .find((r) => record.time.day - r.day <= lookback)
    if (latest === undefined) return { found: false, unreadable }
    return { found: true, value: latest.value, date: isoDate(latest.day), daysAgo: record.time.day - latest.day, code: latest.code, unreadable }
  }
}

export const observationsFact: FactDefinition = {
  name: 'observations',
  description: 'Final Observations in a value set, converted to `unit` (unknown units are skipped, never guessed), within lookbackDays or lookbackHours of now: count, latest, maximum and minimum.',
  reads: ['Observation'],
  params: {
    type: 'object',
    required: ['valueset', 'unit'],
    additionalProperties: false,
    properties: { valueset: VALUESET, unit: { enum: ['{score}', 'Cel', 'mg/dL', '%', '1', '10*3/uL'] }, lookbackDays: POSITIVE, lookbackHours: POSITIVE }
  },
  valueSetParams: ['valueset'],
  returns: '{ found, count, latest, latestDate, max, maxDate, min, minDate, unreadable }',
  compute: ({ record, valueSet }, params) => {
    const { list, unreadable } = readings(record, valueSet(text(params, 'valueset')), text(params, 'unit'))
    const hours = typeof params.lookbackHours === 'number' ? params.lookbackHours : undefined
    const days = typeof params.lookbackDays === 'number' ? params.lookbackDays : undefined
    const inWindow = list.filter((r) =>
      (hours === undefined || record.time.ms - r.ms <= hours * HOUR_MS) &&
      (days === undefined || record.time.day - r.day <= days))
    const latest = inWindow[0]
    if (latest === undefined) return { found: false, count: 0, unreadable }
    let max = latest
    let min = latest
    for (const r of inWindow) {
      if (r.value > max.value) max = r
      if (r.value < min.value) min = r
    }
    return {
      found: true,
      count: inWindow.length,
      latest: round(latest.value, 2),
      latestDate: latest.date.slice(0, 10),
      max: round(max.value, 2),
      maxDate: max.date.slice(0, 10),
      min: round(min.value, 2),
      minDate: min.date.slice(0, 10),
      unreadable
    }
  }
}
