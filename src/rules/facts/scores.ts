// Pain and disability score series read on one scale (NDI normalised to 0–50), and the PT
// baseline / latest pair used for response (PT-05, ESC-08) and worsening (ESC-07); optionally
// without post-procedure (block-effect) readings (ESC-04, SUIT-03).

import type { EvaluationRecord } from '../../fhir/record.js'
import type { ValueSet } from '../../fhir/valueset.js'
import { type Reading, readings } from './clinical.js'
import { postProcedureReadings } from './relief.js'

export interface Scored extends Reading { instrument: string }

/** Pain scores (0–10), newest first; `excludePostProcedure` drops readings taken after a linked facet procedure. */
export function painSeries (
  record: EvaluationRecord,
  valueSet: (id: string) => ValueSet,
  opts: { excludePostProcedure?: boolean } = {}
): Scored[] {
  const list = readings(record, valueSet('pain-scores'), '{score}').list
  const post = opts.excludePostProcedure === true ? postProcedureReadings(record, valueSet('pain-scores'), valueSet('facet-procedures')) : undefined
  return list.filter((r) => post === undefined || !post.has(r.resource)).map((r) => ({ ...r, instrument: 'NRS' }))
}

/** Disability scores with their instrument (ODI 0–100, NDI 0–50 — % converted in quantity.ts —, PEG,
 *  PROMIS-PI), newest first. */
export function disabilitySeries (record: EvaluationRecord, valueSet: (id: string) => ValueSet): Scored[] {
  return record.remember('disability-series', () => {
    const vs = valueSet('disability-scores')
    return readings(record, vs, '{score}').list.map((r) => {
      const instrument = String(vs.match(r.resource.code)?.properties.instrument ?? r.code)
      return { ...r, instrument }
    })
  })
}

/** Baseline around a start day: latest reading on/before it within lookback, else the first after it
 *  within lookback. */
export function baselineAt (series: readonly Scored[], startDay: number, lookback: number): Scored | undefined {
  const before = series.find((r) => r.day <= startDay && startDay - r.day <= lookback)
  if (before !== undefined) return before
  return [...series].reverse().find((r) => r.day > startDay && r.day - startDay <= lookback)
}

export interface Pair { baseline: Scored, latest: Scored | undefined }

/** Baseline and the most recent later reading of the same instrument. */
export function pairFrom (series: readonly Scored[], baseline: Scored | undefined): Pair | undefined {
  if (baseline === undefined) return undefined
  const latest = series.find((r) => r.ms > baseline.ms && r.instrument === baseline.instrument)
  return { baseline, latest }
}

/** ODI first, then NDI: the first instrument with a baseline reading. */
export function disabilityBaseline (series: readonly Scored[], startDay: number, lookback: number): Scored | undefined {
  for (const instrument of ['ODI', 'NDI']) {
    const b = baselineAt(series.filter((r) => r.instrument === instrument), startDay, lookback)
    if (b !== undefined) return b
  }
  return undefined
}
