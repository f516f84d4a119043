// Score trends around facet procedures and PT: post-procedure flare (ESC-05), sustained worsening
// (ESC-07), interventions in the rolling window (ESC-08), progress documented since the previous
// procedure (SUIT-12).

import type { FacetSession } from '../../fhir/facet.js'
import { instantMs, isoDate } from '../../fhir/dates.js'
import { clinicalDate, references } from '../../fhir/resource.js'
import { type FactContext, type FactDefinition, POSITIVE, facetHistory, num, shape } from './fact.js'
import { intentMembers } from './facet-history-facts.js'
import { ptEpisode } from './pt-episode.js'
import { linkedReadings } from './relief.js'
import { type Scored, baselineAt, disabilityBaseline, disabilitySeries, painSeries } from './scores.js'

const DAY = 86_400_000

/** The session's procedure instant (latest line time; date-only = 00:00 UTC) and whether a time was recorded. */
export function sessionInstant (s: FacetSession): { ms: number, timed: boolean } {
  let ms = s.day * DAY
  let timed = false
  for (const l of s.lines) {
    const d = clinicalDate(l.resource)
    const t = instantMs(d)
    if (t !== undefined && t > ms) ms = t
    if (typeof d === 'string' && d.length > 10) timed = true
  }
  return { ms, timed }
}

function pastSessions (ctx: FactContext): FacetSession[] {
  return facetHistory(ctx).filter((s) => s.day <= ctx.record.time.day)
}

const day10 = (r: Scored | undefined): string | null => r === undefined ? null : r.date.slice(0, 10)

/**
 * The latest pain score linked (partOf) to a line of the session at or before the procedure: with
 * a timed line, at or before its instant; with a date-only session, the latest linked reading of
 * an earlier day, else the earliest linked reading of the procedure day (the same test as
 * postProcedureReadings).
 */
function linkedPre (ctx: FactContext, s: FacetSession): Scored | undefined {
  const linked = linkedReadings(ctx.record, ctx.valueSet('pain-scores'), s)
  const { ms, timed } = sessionInstant(s)
  const r = timed
    ? linked.find((x) => x.ms <= ms)
    : (linked.find((x) => x.day < s.day) ?? linked.filter((x) => x.day === s.day).at(-1))
  return r === undefined ? undefined : { ...r, instrument: 'NRS' }
}

export const postProcedurePainFact: FactDefinition = {
  name: 'postProcedurePain',
  description: 'Pain after the latest completed facet session (any type) within withinDays of now (revision 2b). pre = the latest pain score linked to the session (partOf) at or before its time (date-only session: the latest linked reading of an earlier day, else the earliest of the procedure day); post = the most recent pain score (linked or not) dated on a later day than the procedure (same-day post-block readings measure the block, not a flare). No linked pre → found false (neither arm fires). worse = post ≥ pre + worsenPoints; severe = post ≥ severeNrs and post > pre (pain that is severe but no higher than before the procedure is the original pain, not a flare).',
  reads: ['Procedure', 'Observation'],
  params: { type: 'object', required: ['withinDays', 'worsenPoints', 'severeNrs'], additionalProperties: false, properties: { withinDays: POSITIVE, worsenPoints: POSITIVE, severeNrs: POSITIVE } },
  returns: '{ found, procedureDate, type, daysAgo, pre, preDate, post, postDate, daysAfter, worse, severe }',
  returnsSchema: shape({
    found: 'boolean',
    procedureDate: 'string',
    type: 'string',
    daysAgo: 'number',
    pre: 'number',
    preDate: 'string',
    post: 'number',
    postDate: 'string',
    daysAfter: 'number',
    worse: 'boolean',
    severe: 'boolean'
  }),
  compute: (ctx, params) => {
    const today = ctx.record.time.day
    const s = pastSessions(ctx).filter((x) => today - x.day <= num(params, 'withinDays')).at(-1)
    if (s === undefined) return { found: false }
    const pre = linkedPre(ctx, s)
    const post = painSeries(ctx.record, ctx.valueSet).find((r) => r.day > s.day)
    if (pre === undefined || post === undefined) return { found: false, procedureDate: s.date }
    return {
      found: true,
      procedureDate: s.date,
      type: s.type,
      daysAgo: today - s.day,
      pre: pre.value,
      preDate: day10(pre),
      post: post.value,
      postDate: day10(post),
      daysAfter: post.day - s.day,
      worse: post.value >= pre.value + num(params, 'worsenPoints'),
      severe: post.value >= num(params, 'severeNrs') && post.value > pre.value
    }
  }
}

interface Reference { reading: Scored, kind: string }

/** PT baseline (active episode), else the latest reading at or before the latest facet procedure. */
function reference (
  ctx: FactContext,
  series: Scored[],
  lookback: number,
  pick: (s: Scored[], start: number, lb: number) => Scored | undefined
): Reference | undefined {
  const ep = ptEpisode(ctx.record, ctx.valueSet)
  if (ep.plan !== undefined && ep.startDay !== undefined) {
    const b = pick(series, ep.startDay, lookback)
    if (b !== undefined) return { reading: b, kind: 'PT baseline' }
  }
  const s = pastSessions(ctx).at(-1)
  if (s === undefined) return undefined
  const { ms } = sessionInstant(s)
  const before = series.filter((r) => r.ms <= ms)
  const r = pick === baselineAt ? before[0] : before.find((x) => x.instrument === 'ODI' || x.instrument === 'NDI')
  return r === undefined ? undefined : { reading: r, kind: `pre-procedure value (facet procedure ${s.date})` }
}

export const worseningTrendFact: FactDefinition = {
  name: 'worseningTrend',
  description: 'Worsening against a reference = the PT baseline of the active episode (baselineLookbackDays around its start), else the latest value at or before the latest facet procedure. Pain: the most recent readings after the reference form an unbroken run each ≥ reference + nrsPoints, at least 2 readings, first and last ≥ minDaysApart days apart (the run must include the latest reading). Disability: the latest ODI (or NDI on 0–50) after the reference ≥ reference + odiPoints (ndiPoints).',
  reads: ['CarePlan', 'Procedure', 'Observation'],
  params: {
    type: 'object',
    required: ['nrsPoints', 'odiPoints', 'ndiPoints', 'minDaysApart', 'baselineLookbackDays'],
    additionalProperties: false,
    properties: {
      nrsPoints: POSITIVE,
      odiPoints: POSITIVE,
      ndiPoints: POSITIVE,
      minDaysApart: POSITIVE,
      baselineLookbackDays: POSITIVE
    }
  },
  returns: '{ found, worse, pain: {found, reference, referenceDate, referenceKind, threshold, worse, runFrom, runTo, runReadings, latest}, disability: {found, instrument, reference, referenceDate, referenceKind, threshold, latest, latestDate, worse} }',
  returnsSchema: shape({
    found: 'boolean',
    worse: 'boolean',
    pain: shape({
      found: 'boolean',
      worse: 'boolean',
      reference: 'number',
      referenceDate: 'string',
      referenceKind: 'string',
      threshold: 'number',
      latest: 'number?',
      runReadings: 'number',
      runFrom: 'string?',
      runTo: 'string?',
      runValues: 'string'
    }),
    disability: shape({
      found: 'boolean',
      worse: 'boolean',
      instrument: 'string',
      reference: 'number',
      referenceDate: 'string',
      referenceKind: 'string',
      threshold: 'number',
      latest: 'number?',
      latestDate: 'string?'
    })
  }),
  compute: (ctx, params) => {
    const lookback = num(params, 'baselineLookbackDays')
    const pains = painSeries(ctx.record, ctx.valueSet)
    const pRef = reference(ctx, pains, lookback, baselineAt)
    let pain: Record<string, unknown> = { found: false, worse: false }
    if (pRef !== undefined) {
      const threshold = pRef.reading.value + num(params, 'nrsPoints')
      const after = pains.filter((r) => r.ms > pRef.reading.ms)
      const run: Scored[] = []
      for (const r of after) { if (r.value >= threshold) run.push(r); else break }
      const first = run.at(-1)
      const last = run[0]
      const worse = run.length >= 2 && first !== undefined && last !== undefined && last.day - first.day >= num(params, 'minDaysApart')
      pain = {
        found: true,
        reference: pRef.reading.value,
        referenceDate: day10(pRef.reading),
        referenceKind: pRef.kind,
        threshold,
        latest: after[0]?.value ?? null,
        runReadings: run.length,
        runFrom: day10(first),
        runTo: day10(last),
        runValues: [...run].reverse().map((r) => r.value).join(', '),
        worse
      }
    }
    const dis = disabilitySeries(ctx.record, ctx.valueSet)
    const dRef = reference(ctx, dis, lookback, disabilityBaseline)
    let disability: Record<string, unknown> = { found: false, worse: false }
    if (dRef !== undefined) {
      const instrument = dRef.reading.instrument
      const threshold = dRef.reading.value + (instrument === 'NDI' ? num(params, 'ndiPoints') : num(params, 'odiPoints'))
      const latest = dis.find((r) => r.ms > dRef.reading.ms && r.instrument === instrument)
      disability = {
        found: latest !== undefined,
        instrument,
        reference: dRef.reading.value,
        referenceDate: day10(dRef.reading),
        referenceKind: dRef.kind,
        threshold,
        latest: latest?.value ?? null,
        latestDate: day10(latest),
        worse: latest !== undefined && latest.value >= threshold
      }
    }
    return {
      found: pRef !== undefined || dRef !== undefined,
      worse: pain.worse === true || disability.worse === true,
      pain,
      disability
    }
  }
}

export const interventionHistoryFact: FactDefinition = {
  name: 'interventionHistory',
  description: 'Completed facet sessions within withinDays of now (any region): RFA sessions and therapeutic IA/MBB sessions, with the latest date.',
  reads: ['Procedure'],
  params: { type: 'object', required: ['withinDays'], additionalProperties: false, properties: { withinDays: POSITIVE } },
  returns: '{ found, rfa, therapeutic, latestDate, latestType }',
  returnsSchema: shape({
    found: 'boolean',
    rfa: 'number',
    therapeutic: 'number',
    latestDate: 'string?',
    latestType: 'string?',
    intentBasis: 'string?',
    inferredIntent: 'object?'
  }),
  compute: (ctx, params) => {
    const today = ctx.record.time.day
    const inWindow = pastSessions(ctx).filter((s) => today - s.day <= num(params, 'withinDays') && s.type !== 'diagnostic')
    const last = inWindow.at(-1)
    return {
      found: inWindow.length > 0,
      rfa: inWindow.filter((s) => s.type === 'rfa').length,
      therapeutic: inWindow.filter((s) => s.type === 'therapeutic').length,
      latestDate: last?.date ?? null,
      latestType: last?.type ?? null,
      ...intentMembers(inWindow)
    }
  }
}

export const progressSincePriorFact: FactDefinition = {
  name: 'progressSincePrior',
  description: 'For the facet session being ordered: the latest completed facet session in the same region on or before the planned date, and whether a pain score (pain-scores) or disability score (disability-scores) was recorded after it — on a later day, or on the same day after the recorded procedure time (with a date-only procedure: a second same-day pain score linked to it by partOf).',
  reads: ['Procedure', 'Observation'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, priorDate, priorType, daysSince, measured, measureDate, measureName }',
  returnsSchema: shape({
    found: 'boolean',
    priorDate: 'string',
    priorType: 'string',
    daysSince: 'number',
    measured: 'boolean',
    measureDate: 'string?',
    measureName: 'string?'
  }),
  compute: (ctx) => {
    const order = ctx.order
    if (order === undefined) return { found: false }
    const prior = pastSessions(ctx).filter((s) => s.region === order.region && s.day <= order.day).at(-1)
    if (prior === undefined) return { found: false }
    const { ms, timed } = sessionInstant(prior)
    const lineRefs = new Set(prior.lines.map((l) => `${l.resource.resourceType}/${String(l.resource.id)}`))
    const linked = (r: Scored): boolean => references(r.resource.partOf).some((ref) => lineRefs.has(ref.replace(/^.*\/(Procedure\/[^/]+)$/, '$1')))
    const pains = painSeries(ctx.record, ctx.valueSet)
    const sameDayLinked = pains.filter((r) => r.day === prior.day && linked(r))
    const laterSameDay = (r: Scored): boolean =>
      timed ? r.ms > ms : sameDayLinked.length >= 2 && r !== sameDayLinked.at(-1) && linked(r)
    const after = (r: Scored): boolean => r.day > prior.day || (r.day === prior.day && laterSameDay(r))
    const hits = [...pains, ...disabilitySeries(ctx.record, ctx.valueSet)].filter(after).sort((a, b) => b.ms - a.ms)
    const latest = hits[0]
    return {
      found: true,
      priorDate: prior.date,
      priorType: prior.type,
      daysSince: ctx.record.time.day - prior.day,
      measured: latest !== undefined,
      measureDate: latest === undefined ? null : isoDate(latest.day),
      measureName: latest?.instrument ?? null
    }
  }
}
