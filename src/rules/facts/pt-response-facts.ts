// Response to physical therapy against the PT baseline: outcome measures present (PT-04), early
// response and non-response below MCID (PT-05), reused by the pathway-exhausted check (ESC-08).

import { isoDate } from '../../fhir/dates.js'
import { round } from '../../fhir/quantity.js'
import { type FactDefinition, POSITIVE, num, shape } from './fact.js'
import { ptEpisode } from './pt-episode.js'
import { baselineAt, disabilityBaseline, disabilitySeries, painSeries, pairFrom } from './scores.js'

export const ptResponseFact: FactDefinition = {
  name: 'ptResponse',
  description: 'Outcome of the active PT episode (see ptEpisode). Baseline = the latest reading on or before the episode start within baselineLookbackDays, else the first reading after the start within that many days; latest = the most recent later reading of the same instrument. pain (0–10): reduction, reductionPct, mcid = max(nrsMcidPoints, nrsMcidPct % of baseline), belowMcid. disability (ODI, else NDI normalised to 0–50): reduction, mcid = odiMcidPoints or ndiMcidPoints, belowMcid. measures: any disability measure (ODI/NDI/PEG/PROMIS-PI) at baseline, and the latest one in the episode.',
  reads: ['CarePlan', 'Procedure', 'Observation'],
  params: {
    type: 'object',
    required: ['baselineLookbackDays', 'nrsMcidPoints', 'nrsMcidPct', 'odiMcidPoints', 'ndiMcidPoints'],
    additionalProperties: false,
    properties: {
      baselineLookbackDays: POSITIVE,
      nrsMcidPoints: POSITIVE,
      nrsMcidPct: POSITIVE,
      odiMcidPoints: POSITIVE,
      ndiMcidPoints: POSITIVE
    }
  },
  returns: '{ found, start, days, weeks, visits, pain: {found, baseline, baselineDate, latest, latestDate, latestDayInEpisode, reduction, reductionPct, mcid, belowMcid}, disability: {found, instrument, baseline, baselineDate, latest, latestDate, reduction, mcid, belowMcid}, measures: {baseline, baselineDate, latestDate, daysSinceLatest} }',
  returnsSchema: shape({
    found: 'boolean',
    start: 'string',
    days: 'number',
    weeks: 'number',
    visits: 'number',
    pain: shape({
      found: 'boolean',
      baseline: 'number',
      baselineDate: 'string?',
      latest: 'number',
      latestDate: 'string',
      latestDayInEpisode: 'number',
      reduction: 'number',
      reductionPct: 'number',
      mcid: 'number',
      belowMcid: 'boolean'
    }),
    disability: shape({
      found: 'boolean',
      instrument: 'string?',
      scale: 'string',
      baseline: 'number',
      baselineDate: 'string',
      latest: 'number',
      latestDate: 'string',
      reduction: 'number',
      mcid: 'number',
      belowMcid: 'boolean'
    }),
    measures: shape({
      baseline: 'boolean', baselineDate: 'string?', baselineInstrument: 'string?', latestDate: 'string?', daysSinceLatest: 'number?'
    })
  }),
  compute: ({ record, valueSet }, params) => {
    const ep = ptEpisode(record, valueSet)
    if (ep.plan === undefined || ep.startDay === undefined) return { found: false }
    const start = ep.startDay
    const today = record.time.day
    const lookback = num(params, 'baselineLookbackDays')

    const pains = painSeries(record, valueSet)
    const p = pairFrom(pains, baselineAt(pains, start, lookback))
    let pain: Record<string, unknown> = {
      found: false,
      baselineDate: p === undefined ? null : p.baseline.date.slice(0, 10)
    }
    if (p?.latest !== undefined) {
      const reduction = round(p.baseline.value - p.latest.value)
      const mcid = round(Math.max(num(params, 'nrsMcidPoints'), num(params, 'nrsMcidPct') / 100 * p.baseline.value))
      pain = {
        found: true,
        baseline: p.baseline.value,
        baselineDate: p.baseline.date.slice(0, 10),
        latest: p.latest.value,
        latestDate: p.latest.date.slice(0, 10),
        latestDayInEpisode: p.latest.day - start,
        reduction,
        reductionPct: p.baseline.value === 0 ? 0 : round(reduction / p.baseline.value * 100),
        mcid,
        belowMcid: reduction < mcid
      }
    }

    const dis = disabilitySeries(record, valueSet)
    const d = pairFrom(dis, disabilityBaseline(dis, start, lookback))
    let disability: Record<string, unknown> = { found: false, instrument: d?.baseline.instrument ?? null }
    if (d?.latest !== undefined) {
      const reduction = round(d.baseline.value - d.latest.value)
      const mcid = d.baseline.instrument === 'NDI' ? num(params, 'ndiMcidPoints') : num(params, 'odiMcidPoints')
      disability = {
        found: true,
        instrument: d.baseline.instrument,
        scale: d.baseline.instrument === 'NDI' ? '0–50' : '0–100',
        baseline: round(d.baseline.value),
        baselineDate: d.baseline.date.slice(0, 10),
        latest: round(d.latest.value),
        latestDate: d.latest.date.slice(0, 10),
        reduction,
        mcid,
        belowMcid: reduction < mcid
      }
    }

    const anyBaseline = baselineAt(dis, start, lookback)
    const inEpisode = dis.filter((r) => r.day >= start - lookback)
    const latestMeasure = inEpisode[0]
    return {
      found: true,
      start: isoDate(start),
      days: today - start,
      weeks: round((today - start) / 7),
      visits: ep.visitDays.length,
      pain,
      disability,
      measures: {
        baseline: anyBaseline !== undefined,
        baselineDate: anyBaseline === undefined ? null : anyBaseline.date.slice(0, 10),
        baselineInstrument: anyBaseline?.instrument ?? null,
        latestDate: latestMeasure === undefined ? null : latestMeasure.date.slice(0, 10),
        daysSinceLatest: latestMeasure === undefined ? null : today - latestMeasure.day
      }
    }
  }
}
