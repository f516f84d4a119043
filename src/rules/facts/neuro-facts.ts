// ESC-02 (revision 2/2b): a new neurological deficit after a facet procedure or during the PT
// episode. Each anchor that exists is tried — the latest completed facet session (onset strictly
// after its instant and at most windowDays after it) and the active PT episode (onset strictly
// after its start, while it lasts, and within windowDays before now). Onset = onsetDateTime /
// onsetPeriod.start, else recordedDate; a date-only value is the start of its UTC day.

import { DAY_MS, instantMs, isoDate, withinDaysBefore } from '../../fhir/dates.js'
import { clinicalDate, codingCodes } from '../../fhir/resource.js'
import { type DatedMatch, activeConditions, names } from './clinical.js'
import { type FactContext, type FactDefinition, POSITIVE, facetHistory, num, shape } from './fact.js'
import { ptEpisode } from './pt-episode.js'
import { sessionInstant } from './trend-facts.js'

interface Anchor { ms: number, label: string, fits: (onsetMs: number, onset: string) => boolean }

function anchors (ctx: FactContext, window: number): Anchor[] {
  const now = ctx.record.time.ms
  const out: Anchor[] = []
  const session = facetHistory(ctx).filter((s) => s.day <= ctx.record.time.day).at(-1)
  if (session !== undefined) {
    const { ms } = sessionInstant(session)
    out.push({ ms, label: `the facet procedure of ${session.date}`, fits: (t) => t > ms && t <= ms + window * DAY_MS && t <= now })
  }
  const ep = ptEpisode(ctx.record, ctx.valueSet)
  if (ep.plan !== undefined && ep.startDay !== undefined) {
    const start = ep.startDay * DAY_MS
    const end = ep.dischargeDay === undefined ? Infinity : (ep.dischargeDay + 1) * DAY_MS
    out.push({
      ms: start,
      label: `the PT episode started ${isoDate(ep.startDay)}`,
      fits: (t, onset) => t > start && t < end && withinDaysBefore(onset, now, window)
    })
  }
  return out
}

const REFUTED = new Set(['refuted', 'entered-in-error'])

/** Radiculopathy Conditions of any clinical status (refuted ones excluded): onset instants. */
function radiculopathyOnsets (ctx: FactContext): number[] {
  const vs = [ctx.valueSet('radiculopathy'), ctx.valueSet('neuro-deficit')]
  const out: number[] = []
  for (const r of ctx.record.ofType('Condition')) {
    if (codingCodes(r.verificationStatus).some((c) => REFUTED.has(c.code))) continue
    const m = vs.map((v) => v.match(r.code)).find((x) => x !== undefined)
    if (m === undefined || (m.properties.kind !== undefined && m.properties.kind !== 'radicular')) continue
    const t = instantMs(clinicalDate(r))
    if (t !== undefined) out.push(t)
  }
  return out
}

export const newNeuroDeficitFact: FactDefinition = {
  name: 'newNeuroDeficit',
  description: 'ESC-02: an active neuro-deficit Condition of the given kind (motor = focal motor deficit: foot drop, monoplegia, para-/quadriparesis, cord compression; radicular = radiculopathy) whose onset (else recordedDate; date-only = start of the UTC day) fits an anchor: the latest completed facet session (strictly after its instant, at most windowDays after it) or the active PT episode (strictly after its start, before any discharge, within windowDays before now). A radicular finding counts only when no radiculopathy Condition (any clinical status but refuted/entered-in-error) has an onset at or before the anchor it fits. Generalised weakness (R53.1, M62.81, SNOMED 26544005) is not in the value set.',
  reads: ['Condition', 'Procedure', 'CarePlan', 'Observation'],
  params: {
    type: 'object',
    required: ['windowDays', 'kind'],
    additionalProperties: false,
    properties: { windowDays: POSITIVE, kind: { enum: ['motor', 'radicular'] } }
  },
  returns: '{ found, names, onsetDate, context }',
  returnsSchema: shape({ found: 'boolean', names: 'string', onsetDate: 'string', context: 'string' }),
  compute: (ctx, params) => {
    const kind = params.kind
    const list = anchors(ctx, num(params, 'windowDays'))
    if (list.length === 0) return { found: false }
    const prior = kind === 'radicular' ? radiculopathyOnsets(ctx) : []
    const hits: Array<{ c: DatedMatch, ms: number, why: string }> = []
    for (const c of activeConditions(ctx.record, ctx.valueSet('neuro-deficit'))) {
      if (c.match.properties.kind !== kind) continue
      const onset = clinicalDate(c.resource)
      const t = instantMs(onset)
      if (onset === undefined || t === undefined) continue
      const a = list.find((x) => x.fits(t, onset) && !prior.some((p) => p <= x.ms))
      if (a !== undefined) hits.push({ c, ms: t, why: `onset ${onset.slice(0, 10)}, after ${a.label}` })
    }
    if (hits.length === 0) return { found: false }
    hits.sort((a, b) => b.ms - a.ms)
    return {
      found: true,
      names: names(hits.map((h) => h.c)).join(', '),
      onsetDate: isoDate(Math.floor(hits[0]!.ms / DAY_MS)),
      context: hits.map((h) => h.why).join('; ')
    }
  }
}
