// Facts read from Observations: pain scores, the disability baseline, vital signs and laboratory
// values. Windows follow FHIR-DATA.md "Windows" (withinDaysBefore).

import { isoDate, withinDaysBefore } from '../../fhir/dates.js'
import { TARGET_UNITS, round } from '../../fhir/quantity.js'
import { readings } from './clinical.js'
import { disabilitySeries, painSeries } from './scores.js'
import { type FactDefinition, POSITIVE, VALUESET, text, shape } from './fact.js'

const HOUR_MS = 3_600_000

export const latestPainScoreFact: FactDefinition = {
  name: 'latestPainScore',
  description: 'The most recent pain-score Observation (NRS/VAS/PEG pain item, 0–10; a 0–100 mm VAS ÷ 10) of any kind, block-linked readings included; optionally only within lookbackDays of now. excludePostProcedure: true skips post-procedure readings (partOf → a completed facet Procedure and taken after it; date-only procedure: every linked reading of that day but the earliest).',
  reads: ['Observation'],
  readsWhen: { excludePostProcedure: ['Procedure'] },
  params: { type: 'object', additionalProperties: false, properties: { lookbackDays: POSITIVE, excludePostProcedure: { type: 'boolean' } } },
  returns: '{ found, value, date, daysAgo, code, unreadable }',
  returnsSchema: shape({
    found: 'boolean', unreadable: 'number', value: 'number', date: 'string', daysAgo: 'number', code: 'string'
  }),
  compute: ({ record, valueSet }, params) => {
    const { unreadable } = readings(record, valueSet('pain-scores'), '{score}')
    const lookback = typeof params.lookbackDays === 'number' ? params.lookbackDays : undefined
    const latest = painSeries(record, valueSet, { excludePostProcedure: params.excludePostProcedure === true })
      .find((r) => lookback === undefined || withinDaysBefore(r.date, record.time.ms, lookback))
    if (latest === undefined) return { found: false, unreadable }
    return {
      found: true,
      value: latest.value,
      date: isoDate(latest.day),
      daysAgo: record.time.day - latest.day,
      code: latest.code,
      unreadable
    }
  }
}

export const observationsFact: FactDefinition = {
  name: 'observations',
  description: 'Observations (status final, amended or corrected) in a value set, converted to `unit` (°F → °C, glucose mmol/L → mg/dL, HbA1c mmol/mol → %, platelets 10*9/L = 10*3/uL, INR {INR}/1/none, scores on their instrument scale; unknown units and out-of-range scores are skipped, never guessed), within lookbackDays or lookbackHours of now: count, latest, maximum and minimum.',
  reads: ['Observation'],
  params: {
    type: 'object',
    required: ['valueset', 'unit'],
    additionalProperties: false,
    properties: { valueset: VALUESET, unit: { enum: TARGET_UNITS }, lookbackDays: POSITIVE, lookbackHours: POSITIVE }
  },
  valueSetParams: ['valueset'],
  returns: '{ found, count, latest, latestDate, max, maxDate, min, minDate, unreadable }',
  returnsSchema: shape({
    found: 'boolean',
    count: 'number',
    unreadable: 'number',
    latest: 'number',
    latestDate: 'string',
    max: 'number',
    maxDate: 'string',
    min: 'number',
    minDate: 'string'
  }),
  compute: ({ record, valueSet }, params) => {
    const { list, unreadable } = readings(record, valueSet(text(params, 'valueset')), text(params, 'unit'))
    const hours = typeof params.lookbackHours === 'number' ? params.lookbackHours : undefined
    const days = typeof params.lookbackDays === 'number' ? params.lookbackDays : undefined
    const inWindow = list.filter((r) =>
      (hours === undefined || record.time.ms - r.ms <= hours * HOUR_MS) &&
      (days === undefined || withinDaysBefore(r.date, record.time.ms, days)))
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

/** Instruments that satisfy the disability baseline per order region (FHIR-DATA.md "Disability baseline"). */
const BY_REGION: Readonly<Record<string, readonly string[]>> = {
  'lumbar-sacral': ['ODI', 'PEG', 'PROMIS-PI'],
  'cervical-thoracic': ['NDI', 'PEG', 'PROMIS-PI']
}

export const disabilityBaselineFact: FactDefinition = {
  name: 'disabilityBaseline',
  description: 'The latest readable disability score (value set disability-scores) within lookbackDays of now that suits the order\'s region: ODI, PEG or PROMIS-PI for a lumbar/sacral order; NDI, PEG or PROMIS-PI for a cervical/thoracic order (an ODI does not satisfy a cervical order, nor an NDI a lumbar one); any of them without an order. instrument = the region instrument (ODI or NDI). otherRegion = the latest in-window score of the other region\'s instrument ("NDI of 2026-11-19"), if any.',
  reads: ['Observation'],
  params: { type: 'object', required: ['lookbackDays'], additionalProperties: false, properties: { lookbackDays: POSITIVE } },
  returns: '{ found, instrument, latest, latestDate, latestInstrument, otherRegion, unreadable }',
  returnsSchema: shape({
    found: 'boolean',
    instrument: 'string?',
    latest: 'number?',
    latestDate: 'string?',
    latestInstrument: 'string?',
    otherRegion: 'string?',
    unreadable: 'number'
  }),
  compute: ({ record, valueSet, order }, params) => {
    const region = order?.region
    const accepted = region === undefined ? undefined : BY_REGION[region]
    const { unreadable } = readings(record, valueSet('disability-scores'), '{score}')
    const inWindow = disabilitySeries(record, valueSet)
      .filter((r) => withinDaysBefore(r.date, record.time.ms, Number(params.lookbackDays)))
    const hit = inWindow.find((r) => accepted === undefined || accepted.includes(r.instrument))
    const other = accepted === undefined ? undefined : inWindow.find((r) => !accepted.includes(r.instrument))
    return {
      found: hit !== undefined,
      instrument: region === undefined ? null : region === 'lumbar-sacral' ? 'ODI' : 'NDI',
      latest: hit?.value ?? null,
      latestDate: hit === undefined ? null : isoDate(hit.day),
      latestInstrument: hit?.instrument ?? null,
      otherRegion: other === undefined ? null : `${other.instrument} of ${isoDate(other.day)}`,
      unreadable
    }
  }
}
