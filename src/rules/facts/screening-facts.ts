// Depression/anxiety screening status for card detail text (PT-05(b), ESC-08; revision 2): the
// latest PHQ-9 and GAD-7 totals within a look-back, as a sentence. Never a trigger: no cut-off.

import { isoDate } from '../../fhir/dates.js'
import { round } from '../../fhir/quantity.js'
import { readings } from './clinical.js'
import { type FactDefinition, POSITIVE, num, shape } from './fact.js'

const VALUESET = 'depression-anxiety-screening'
const INSTRUMENTS = [
  { name: 'PHQ-9', topic: 'depression' },
  { name: 'GAD-7', topic: 'anxiety' }
] as const

export interface ScreeningResult { instrument: string, score: number, date: string }

export const screeningStatusFact: FactDefinition = {
  name: 'screeningStatus',
  description: 'The latest PHQ-9 (44261-6) and GAD-7 (70274-6) total (final/amended/corrected, unit {score} or none) ' +
    'within lookbackDays of now, and `text`: "PHQ-9 total 14 on 2026-10-01; GAD-7 none recorded in 12 months (consider ' +
    'screening for anxiety)", or with neither "none recorded in 12 months: consider screening for depression and anxiety" ' +
    '(the window in months when a multiple of 365 days). For detail text only.',
  reads: ['Observation'],
  params: {
    type: 'object', required: ['lookbackDays'], additionalProperties: false, properties: { lookbackDays: POSITIVE }
  },
  returns: '{ found, text, results: [{ instrument, score, date }], missing }',
  returnsSchema: shape({ found: 'boolean', text: 'string', results: 'object[]', missing: 'string[]' }),
  compute: ({ record, valueSet }, params) => {
    const days = num(params, 'lookbackDays')
    const vs = valueSet(VALUESET)
    const { list } = readings(record, vs, '{score}')
    const instrumentOf = (code: string): unknown =>
      vs.matchCoding({ system: 'http://loinc.org', code })?.properties.instrument
    const window = days % 365 === 0 ? `${(days / 365) * 12} months` : `${days} days`
    const results: ScreeningResult[] = []
    const parts: string[] = []
    const missing: string[] = []
    for (const { name, topic } of INSTRUMENTS) {
      const latest = list.find((r) => record.time.day - r.day <= days && instrumentOf(r.code) === name)
      if (latest === undefined) {
        missing.push(topic)
        parts.push(`${name} none recorded in ${window} (consider screening for ${topic})`)
        continue
      }
      const result = { instrument: name, score: round(latest.value, 1), date: isoDate(latest.day) }
      results.push(result)
      parts.push(`${name} total ${result.score} on ${result.date}`)
    }
    const text = results.length === 0
      ? `none recorded in ${window}: consider screening for depression and anxiety`
      : parts.join('; ')
    return { found: results.length > 0, text, results, missing }
  }
}
