// The latest prior therapeutic IA/MBB or RFA session in the order's region on a matching side, with
// its relief and how long relief lasted (SUIT-10). An RFA's relief is judged after the flare window
// when `flareDays` is given (revision 2, FHIR-DATA.md "Relief after an RFA").

import { round } from '../../fhir/quantity.js'
import { type FactContext, type FactDefinition, POSITIVE, anchorDay, shape } from './fact.js'
import { diagnosticBlocksOf, intentMembers, qualifies, sideSessions } from './facet-history-facts.js'
import { type ReliefDuration, type SessionRelief, reliefDuration, reliefLabel, rfaRelief, sessionRelief } from './relief.js'

const opt = (params: Record<string, unknown>, key: string): number | undefined =>
  typeof params[key] === 'number' ? params[key] : undefined

function lastedText (relief: SessionRelief, duration: ReliefDuration | undefined, pct: number | undefined): string {
  if (duration === undefined) return relief.documented ? 'not assessed' : 'none recorded (relief undocumented)'
  if (duration.ongoing) return `${duration.days} days so far (ongoing)`
  return `${duration.days} days (below ${String(pct)}% on ${String(duration.lostDate)})`
}

function priorSession (type: 'therapeutic' | 'rfa') {
  return (ctx: FactContext, params: Record<string, unknown>): unknown => {
    const order = ctx.order
    if (order === undefined) return { found: false }
    const sessions = sideSessions(ctx)
    const prior = sessions.filter((s) => s.type === type).at(-1)
    if (prior === undefined) return { found: false }
    const until = anchorDay(ctx)
    const pain = ctx.valueSet('pain-scores')
    const pct = opt(params, 'reliefPct')
    const flare = opt(params, 'flareDays')
    let relief: SessionRelief
    let duration: ReliefDuration | undefined
    let status: string
    if (type === 'rfa' && flare !== undefined && pct !== undefined) {
      const r = rfaRelief(ctx.record, pain, ctx.valueSet('facet-procedures'), prior,
        { thresholdPct: pct, flareDays: flare, preLookbackDays: opt(params, 'preLookbackDays') ?? 0, untilDay: until })
      relief = r
      duration = r.duration
      status = r.status
    } else {
      relief = sessionRelief(ctx.record, pain, prior)
      duration = pct === undefined ? undefined : reliefDuration(ctx.record, pain, prior, relief, pct, until)
      status = reliefLabel(relief)
    }
    const dxPct = opt(params, 'dxReliefPct')
    const since = diagnosticBlocksOf(ctx, sessions.filter((s) => s.day > prior.day))
    return {
      found: true,
      date: prior.date,
      side: prior.side === 'unknown' ? 'side not recorded' : prior.side,
      daysAgo: until - prior.day,
      reliefDocumented: relief.documented,
      reliefPct: relief.pct === undefined ? null : round(relief.pct, 1),
      relief: type === 'rfa' && flare !== undefined ? status : reliefLabel(relief),
      reliefStatus: status,
      reliefDays: duration?.days ?? null,
      reliefOngoing: duration?.ongoing ?? null,
      reliefLasted: lastedText(relief, duration, pct),
      dxBlocksSince: dxPct === undefined ? since.length : since.filter((b) => qualifies(b, dxPct)).length,
      ...intentMembers([prior])
    }
  }
}

const PRIOR_PARAMS = {
  type: 'object',
  additionalProperties: false,
  properties: { reliefPct: POSITIVE, dxReliefPct: POSITIVE, flareDays: POSITIVE, preLookbackDays: POSITIVE }
}
const PRIOR_RETURNS = '{ found, date, side, daysAgo, reliefDocumented, reliefPct, relief (text), reliefStatus (text), ' +
  'reliefDays, reliefOngoing, reliefLasted (text), dxBlocksSince, intentBasis, inferredIntent }'
/** The shape both prior-session facts return. */
const PRIOR_SCHEMA = shape({
  found: 'boolean',
  date: 'string',
  side: 'string',
  daysAgo: 'number',
  reliefDocumented: 'boolean',
  reliefPct: 'number?',
  relief: 'string',
  reliefStatus: 'string',
  reliefDays: 'number?',
  reliefOngoing: 'boolean?',
  reliefLasted: 'string',
  dxBlocksSince: 'number',
  intentBasis: 'string?',
  inferredIntent: 'object?'
})

export const priorRfaFact: FactDefinition = {
  name: 'priorRfa',
  description: 'The latest completed RFA session in the order\'s region on a matching side before the planned date. With reliefPct and flareDays (revision 2): pre = the linked pre-procedure pain score, else the latest pain score within preLookbackDays before the RFA; relief is judged on pain scores (linked or not; of the region, or region-less) dated more than flareDays after the RFA: none (or no pre) = undocumented; the first below reliefPct = not achieved; else relief lasted to the first later one below it, or is ongoing and counted to the planned date. Without flareDays: relief from linked pain scores as for a block. dxBlocksSince = diagnostic blocks on a matching side since (qualifying ones only when dxReliefPct is given).',
  reads: ['Procedure', 'Observation'],
  params: PRIOR_PARAMS,
  returns: PRIOR_RETURNS,
  returnsSchema: PRIOR_SCHEMA,
  compute: priorSession('rfa')
}

export const priorTherapeuticFact: FactDefinition = {
  name: 'priorTherapeutic',
  description: 'The latest completed therapeutic IA/MBB session (intent explicit, signalled or inferred) in the order\'s region on a matching side before the planned date: relief from linked pain scores and, with reliefPct, how long relief ≥ reliefPct lasted (to the first later pain score, linked or not, below it; none yet = ongoing, counted to the planned date).',
  reads: ['Procedure', 'Observation'],
  params: PRIOR_PARAMS,
  returns: PRIOR_RETURNS,
  returnsSchema: PRIOR_SCHEMA,
  compute: priorSession('therapeutic')
}
