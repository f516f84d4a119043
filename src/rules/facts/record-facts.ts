// Facts about the patient and the order being placed.

import { ageInYears, isoDate } from '../../fhir/dates.js'
import { type FactDefinition, anchorDay, facetHistory, num, text, shape } from './fact.js'

export const patientFact: FactDefinition = {
  name: 'patient',
  description: 'The patient: age in whole years at the evaluation time, and gender.',
  reads: ['Patient'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, age, gender }',
  returnsSchema: shape({ found: 'boolean', age: 'number?', gender: 'string?' }),
  compute: ({ record }) => {
    const p = record.patient
    if (p === undefined) return { found: false }
    const age = ageInYears(p.birthDate, record.time.day)
    return { found: true, age: age ?? null, gender: typeof p.gender === 'string' ? p.gender : null }
  }
}

export const orderFact: FactDefinition = {
  name: 'order',
  description: 'The facet session being ordered (order hooks), from the draft ServiceRequests with facet CPT codes: region, session type, intent (explicit | signal | inferred, with the reason; rules whose firing depends on it read orderIntent), side (union of the lines\' sides), levels (distinct levels per side; the larger side), and the number of completed facet sessions (any region) before the planned date.',
  reads: [],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, region, regionLabel, type: diagnostic|therapeutic|rfa, isRfa, intent, intentBasis, intentReason, side, levels, levelsLeft, levelsRight, maxLevel, codes, date, daysUntil, ultrasound, earlierSessions }',
  returnsSchema: shape({
    found: 'boolean',
    region: 'string',
    regionLabel: 'string',
    type: 'string',
    isRfa: 'boolean',
    intent: 'string',
    intentBasis: 'string?',
    intentReason: 'string',
    side: 'string',
    levels: 'number',
    levelsLeft: 'number',
    levelsRight: 'number',
    maxLevel: 'number',
    codes: 'string[]',
    date: 'string',
    daysUntil: 'number',
    ultrasound: 'boolean',
    earlierSessions: 'number'
  }),
  compute: (ctx) => {
    const { order, record } = ctx
    if (order === undefined) return { found: false }
    return {
      found: true,
      region: order.region,
      regionLabel: order.region === 'lumbar-sacral' ? 'lumbar/sacral' : 'cervical/thoracic',
      type: order.type,
      isRfa: order.type === 'rfa',
      intent: order.intent,
      intentBasis: order.intentBasis,
      intentReason: order.intentReason,
      side: order.side === 'unknown' ? 'side not recorded' : order.side,
      levels: order.levels,
      levelsLeft: order.levelsLeft,
      levelsRight: order.levelsRight,
      maxLevel: Math.max(...order.lines.map((l) => l.level)),
      codes: order.codes,
      date: order.date,
      daysUntil: order.day - record.time.day,
      ultrasound: order.lines.some((l) => l.guidance === 'ultrasound'),
      earlierSessions: facetHistory(ctx).filter((s) => s.day < order.day).length
    }
  }
}

export const dateWindowFact: FactDefinition = {
  name: 'dateWindow',
  description: 'A date range relative to now or to the planned order date, for suggested orders (e.g. a PT referral window).',
  reads: [],
  params: {
    type: 'object',
    required: ['fromDays', 'toDays'],
    additionalProperties: false,
    properties: { anchor: { enum: ['now', 'order'] }, fromDays: { type: 'number' }, toDays: { type: 'number' } }
  },
  returns: '{ found: true, start, end } as YYYY-MM-DD',
  returnsSchema: shape({ found: 'boolean', start: 'string', end: 'string' }),
  compute: (ctx, params) => {
    const base = text(params, 'anchor', 'order') === 'now' ? ctx.record.time.day : anchorDay(ctx)
    return { found: true, start: isoDate(base + num(params, 'fromDays')), end: isoDate(base + num(params, 'toDays')) }
  }
}
