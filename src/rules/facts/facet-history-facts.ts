// Facts about the patient's earlier facet procedures in the order's region: session counts and
// intervals (SUIT-07/08), diagnostic blocks and their relief (SUIT-09/10), prior therapeutic and
// RFA sessions with relief and its duration (SUIT-10), and whether this is a first order (GOV-01).

import { completedSessions, type FacetSession, type SessionType } from '../../fhir/facet.js'
import { dayNumber, isoDate } from '../../fhir/dates.js'
import { round } from '../../fhir/quantity.js'
import { clinicalDate } from '../../fhir/resource.js'
import { names } from './clinical.js'
import { type FactContext, type FactDefinition, POSITIVE, VALUESET, anchorDay, num, text } from './fact.js'
import { reliefDuration, reliefLabel, sessionRelief } from './relief.js'

const TYPE = { enum: ['order', 'diagnostic', 'therapeutic', 'rfa'] }
const typeLabel = (t: SessionType): string => t === 'rfa' ? 'RFA' : t

/** Completed sessions in the order's region on or before the planned date (oldest first). */
function regionSessions (ctx: FactContext): FacetSession[] {
  const order = ctx.order
  if (order === undefined) return []
  return completedSessions(ctx.record, ctx.valueSet('facet-procedures'))
    .filter((s) => s.region === order.region && s.day <= order.day)
}

function sessionType (ctx: FactContext, params: Record<string, unknown>): SessionType | undefined {
  const t = text(params, 'type', 'order')
  return t === 'order' ? ctx.order?.type : t as SessionType
}

interface Block { session: FacetSession, documented: boolean, pct: number | undefined, label: string }

function diagnosticBlocksOf (ctx: FactContext, sessions: FacetSession[]): Block[] {
  const pain = ctx.valueSet('pain-scores')
  return sessions.filter((s) => s.type === 'diagnostic').map((session) => {
    const r = sessionRelief(ctx.record, pain, session)
    return { session, documented: r.documented, pct: r.pct, label: `${session.date}: ${reliefLabel(r)}` }
  })
}

const qualifies = (b: Block, pct: number): boolean => b.documented && b.pct !== undefined && b.pct >= pct

export const facetSessionsFact: FactDefinition = {
  name: 'facetSessions',
  description: 'Completed facet sessions of a type (default: the order\'s type) in the order\'s region within withinDays before the planned date (0 ≤ days before ≤ withinDays; a session exactly withinDays before counts).',
  reads: ['Procedure'],
  params: { type: 'object', required: ['withinDays'], additionalProperties: false, properties: { withinDays: POSITIVE, type: TYPE } },
  returns: '{ found, count, dates, type, typeLabel, region }',
  compute: (ctx, params) => {
    const type = sessionType(ctx, params)
    if (ctx.order === undefined || type === undefined) return { found: false, count: 0 }
    const planned = ctx.order.day
    const hits = regionSessions(ctx).filter((s) => s.type === type && planned - s.day <= num(params, 'withinDays'))
    return { found: hits.length > 0, count: hits.length, dates: hits.map((s) => s.date).join(', ') || 'none', type, typeLabel: typeLabel(type), region: ctx.order.region }
  }
}

export const lastSessionFact: FactDefinition = {
  name: 'lastSession',
  description: 'The most recent completed facet session of a type (default: the order\'s type) in the order\'s region, on or before the planned date, and how many days before the planned date it was.',
  reads: ['Procedure'],
  params: { type: 'object', additionalProperties: false, properties: { type: TYPE } },
  returns: '{ found, date, daysBefore, type, typeLabel }',
  compute: (ctx, params) => {
    const type = sessionType(ctx, params)
    const last = regionSessions(ctx).filter((s) => s.type === type).at(-1)
    if (last === undefined || ctx.order === undefined) return { found: false }
    return { found: true, date: last.date, daysBefore: ctx.order.day - last.day, type, typeLabel: typeLabel(last.type) }
  }
}

export const diagnosticBlocksFact: FactDefinition = {
  name: 'diagnosticBlocks',
  description: 'Completed diagnostic facet sessions (64490–64495 / 0213T–0218T with intent diagnostic) in the order\'s region before the planned date, with their relief from linked pre/post pain scores. qualifying = relief ≥ reliefPct; undocumented relief never qualifies and is counted separately.',
  reads: ['Procedure', 'Observation'],
  params: { type: 'object', required: ['reliefPct'], additionalProperties: false, properties: { reliefPct: POSITIVE } },
  returns: '{ found, total, qualifying, undocumented, blocks (text) }',
  compute: (ctx, params) => {
    if (ctx.order === undefined) return { found: false, total: 0, qualifying: 0, undocumented: 0 }
    const blocks = diagnosticBlocksOf(ctx, regionSessions(ctx))
    const pct = num(params, 'reliefPct')
    return {
      found: blocks.length > 0,
      total: blocks.length,
      qualifying: blocks.filter((b) => qualifies(b, pct)).length,
      undocumented: blocks.filter((b) => !b.documented).length,
      blocks: blocks.map((b) => b.label).join('; ') || 'none on record'
    }
  }
}

export const priorDiagnosticReliefFact: FactDefinition = {
  name: 'priorDiagnosticRelief',
  description: 'Diagnostic blocks in the order\'s region within withinDays before the planned date whose documented relief was below reliefPct (negative blocks). Blocks with undocumented relief are not counted as negative.',
  reads: ['Procedure', 'Observation'],
  params: { type: 'object', required: ['withinDays', 'reliefPct'], additionalProperties: false, properties: { withinDays: POSITIVE, reliefPct: POSITIVE } },
  returns: '{ found, count, date, reliefPct, blocks (text) }',
  compute: (ctx, params) => {
    if (ctx.order === undefined) return { found: false, count: 0 }
    const planned = ctx.order.day
    const pct = num(params, 'reliefPct')
    const negative = diagnosticBlocksOf(ctx, regionSessions(ctx).filter((s) => planned - s.day <= num(params, 'withinDays')))
      .filter((b) => b.documented && b.pct !== undefined && b.pct < pct)
    const latest = negative.at(-1)
    if (latest === undefined) return { found: false, count: 0 }
    return { found: true, count: negative.length, date: latest.session.date, reliefPct: round(latest.pct ?? 0, 1), blocks: negative.map((b) => b.label).join('; ') }
  }
}

function priorSession (type: 'therapeutic' | 'rfa') {
  return (ctx: FactContext, params: Record<string, unknown>): unknown => {
    const sessions = regionSessions(ctx)
    const prior = sessions.filter((s) => s.type === type).at(-1)
    if (prior === undefined) return { found: false }
    const until = anchorDay(ctx)
    const pain = ctx.valueSet('pain-scores')
    const relief = sessionRelief(ctx.record, pain, prior)
    const duration = typeof params.reliefPct === 'number' ? reliefDuration(ctx.record, pain, prior, relief, params.reliefPct, until) : undefined
    const dxPct = typeof params.dxReliefPct === 'number' ? params.dxReliefPct : undefined
    const since = diagnosticBlocksOf(ctx, sessions.filter((s) => s.day > prior.day))
    return {
      found: true,
      date: prior.date,
      daysAgo: until - prior.day,
      reliefDocumented: relief.documented,
      reliefPct: relief.pct === undefined ? null : round(relief.pct, 1),
      relief: reliefLabel(relief),
      reliefDays: duration?.days ?? null,
      reliefOngoing: duration?.ongoing ?? null,
      reliefLasted: duration === undefined
        ? (relief.documented ? 'not assessed' : 'unknown (relief undocumented)')
        : duration.ongoing ? `${duration.days} days so far (ongoing)` : `${duration.days} days (below ${String(params.reliefPct)}% on ${String(duration.lostDate)})`,
      dxBlocksSince: dxPct === undefined ? since.length : since.filter((b) => qualifies(b, dxPct)).length
    }
  }
}

const PRIOR_PARAMS = { type: 'object', additionalProperties: false, properties: { reliefPct: POSITIVE, dxReliefPct: POSITIVE } }
const PRIOR_RETURNS = '{ found, date, daysAgo, reliefDocumented, reliefPct, relief (text), reliefDays, reliefOngoing, reliefLasted (text), dxBlocksSince }'

export const priorRfaFact: FactDefinition = {
  name: 'priorRfa',
  description: 'The latest completed RFA session in the order\'s region before the planned date: relief from linked pain scores, with reliefPct: how long relief ≥ reliefPct lasted (to the first later pain score, linked or not, below it; none yet = ongoing, counted to the planned date), and diagnostic blocks since (qualifying ones only when dxReliefPct is given).',
  reads: ['Procedure', 'Observation'],
  params: PRIOR_PARAMS,
  returns: PRIOR_RETURNS,
  compute: priorSession('rfa')
}

export const priorTherapeuticFact: FactDefinition = {
  name: 'priorTherapeutic',
  description: 'The latest completed therapeutic IA/MBB session in the order\'s region before the planned date, with relief and relief duration as for priorRfa.',
  reads: ['Procedure', 'Observation'],
  params: PRIOR_PARAMS,
  returns: PRIOR_RETURNS,
  compute: priorSession('therapeutic')
}

const EARLIER_ORDER_STATUSES = new Set(['active', 'completed', 'on-hold'])

export const firstFacetOrderFact: FactDefinition = {
  name: 'firstFacetOrder',
  description: 'Whether the facet order being placed is the patient\'s first: no facet Procedure (completed, in progress or preparation) and no earlier facet ServiceRequest (active, on-hold or completed, not part of this call) in any region.',
  reads: ['Procedure', 'ServiceRequest'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, first, priorProcedures, priorOrders }',
  compute: (ctx) => {
    if (ctx.order === undefined) return { found: false }
    const vs = ctx.valueSet('facet-procedures')
    const procedures = ctx.record.coded('Procedure', vs)
      .filter(({ resource }) => ['completed', 'in-progress', 'preparation'].includes(String(resource.status))).length
    const orders = ctx.record.coded('ServiceRequest', vs)
      .filter(({ resource }) => !ctx.record.isDraftOrder(resource) && EARLIER_ORDER_STATUSES.has(String(resource.status))).length
    return { found: true, first: procedures === 0 && orders === 0, priorProcedures: procedures, priorOrders: orders }
  }
}

export const procedureDoneFact: FactDefinition = {
  name: 'procedureDone',
  description: 'Completed Procedures coded in a value set (e.g. epidural-procedures) performed within withinDays before now.',
  reads: ['Procedure'],
  params: { type: 'object', required: ['valueset', 'withinDays'], additionalProperties: false, properties: { valueset: VALUESET, withinDays: POSITIVE } },
  valueSetParams: ['valueset'],
  returns: '{ found, count, names, latestDate }',
  compute: ({ record, valueSet }, params) => {
    const within = num(params, 'withinDays')
    const hits = record.coded('Procedure', valueSet(text(params, 'valueset'))).flatMap(({ resource, match }) => {
      const day = dayNumber(clinicalDate(resource))
      return resource.status === 'completed' && day !== undefined && day <= record.time.day && record.time.day - day <= within ? [{ match, day }] : []
    })
    if (hits.length === 0) return { found: false, count: 0 }
    return { found: true, count: hits.length, names: names(hits).join(', '), latestDate: isoDate(Math.max(...hits.map((x) => x.day))) }
  }
}
