// Facts about the patient's earlier facet procedures in the order's region: session counts
// (SUIT-07, per region) and intervals (SUIT-08), diagnostic blocks and their relief (SUIT-09/10),
// compared per side (a bilateral or side-unknown session matches both sides), and whether this is
// a first order (GOV-01). Facts whose answer depends on a facet intent report `intentBasis` and,
// when an intent was inferred, `inferredIntent` (the card builder then says so).

import { type FacetSession, type SessionType, inferredIntentOf, weakestBasis } from '../../fhir/facet.js'
import { sidesMatch } from '../../fhir/laterality.js'
import { dayNumber, isoDate } from '../../fhir/dates.js'
import { round } from '../../fhir/quantity.js'
import { clinicalDate } from '../../fhir/resource.js'
import { names } from './clinical.js'
import { type FactContext, type FactDefinition, POSITIVE, VALUESET, facetHistory, num, text, shape } from './fact.js'
import { reliefLabel, sessionRelief } from './relief.js'

const TYPE = { enum: ['order', 'diagnostic', 'therapeutic', 'rfa'] }
export const typeLabel = (t: SessionType): string => t === 'rfa' ? 'RFA' : t

/** Completed sessions in the order's region on or before the planned date (oldest first), any side. */
export function regionSessions (ctx: FactContext): FacetSession[] {
  const order = ctx.order
  if (order === undefined) return []
  return facetHistory(ctx).filter((s) => s.region === order.region && s.day <= order.day)
}

/** Completed sessions in the order's region on a side matching the order's (revision 2). */
export function sideSessions (ctx: FactContext): FacetSession[] {
  const order = ctx.order
  return order === undefined ? [] : regionSessions(ctx).filter((s) => sidesMatch(s.side, order.side))
}

/** `intentBasis` / `inferredIntent` members for the sessions a fact's answer depends on. */
export function intentMembers (sessions: ReadonlyArray<FacetSession | undefined>): {
  intentBasis: string | null
  inferredIntent: { intent: string, reason: string } | null
} {
  return { intentBasis: weakestBasis(sessions) ?? null, inferredIntent: inferredIntentOf(sessions) ?? null }
}

function sessionType (ctx: FactContext, params: Record<string, unknown>): SessionType | undefined {
  const t = text(params, 'type', 'order')
  return t === 'order' ? ctx.order?.type : t as SessionType
}

/** The order itself counts for intent when the fact's type is the order's. */
const orderIf = (ctx: FactContext, params: Record<string, unknown>): FacetSession[] =>
  text(params, 'type', 'order') === 'order' && ctx.order !== undefined ? [ctx.order] : []

export interface Block { session: FacetSession, documented: boolean, pct: number | undefined, label: string }

export function diagnosticBlocksOf (ctx: FactContext, sessions: FacetSession[]): Block[] {
  const pain = ctx.valueSet('pain-scores')
  return sessions.filter((s) => s.type === 'diagnostic').map((session) => {
    const r = sessionRelief(ctx.record, pain, session)
    return { session, documented: r.documented, pct: r.pct, label: `${session.date} (${session.side === 'unknown' ? 'side not recorded' : session.side}): ${reliefLabel(r)}` }
  })
}

export const qualifies = (b: Block, pct: number): boolean => b.documented && b.pct !== undefined && b.pct >= pct

export const facetSessionsFact: FactDefinition = {
  name: 'facetSessions',
  description: 'Completed facet sessions of a type (default: the order\'s type) in the order\'s region, any side, within withinDays before the planned date (0 ≤ days before ≤ withinDays; a session exactly withinDays before counts).',
  reads: ['Procedure'],
  params: { type: 'object', required: ['withinDays'], additionalProperties: false, properties: { withinDays: POSITIVE, type: TYPE } },
  returns: '{ found, count, dates, type, typeLabel, region, intentBasis, inferredIntent }',
  returnsSchema: shape({
    found: 'boolean',
    count: 'number',
    dates: 'string',
    type: 'string',
    typeLabel: 'string',
    region: 'string',
    intentBasis: 'string?',
    inferredIntent: 'object?'
  }),
  compute: (ctx, params) => {
    const type = sessionType(ctx, params)
    if (ctx.order === undefined || type === undefined) return { found: false, count: 0 }
    const planned = ctx.order.day
    const hits = regionSessions(ctx).filter((s) => s.type === type && planned - s.day <= num(params, 'withinDays'))
    return {
      found: hits.length > 0,
      count: hits.length,
      dates: hits.map((s) => s.date).join(', ') || 'none recorded',
      type,
      typeLabel: typeLabel(type),
      region: ctx.order.region,
      ...intentMembers([...orderIf(ctx, params), ...hits])
    }
  }
}

export const lastSessionFact: FactDefinition = {
  name: 'lastSession',
  description: 'The most recent completed facet session of a type (default: the order\'s type) in the order\'s region on a matching side (equal sides, or either bilateral or side-unknown), on or before the planned date, and how many days before the planned date it was.',
  reads: ['Procedure'],
  params: { type: 'object', additionalProperties: false, properties: { type: TYPE } },
  returns: '{ found, date, daysBefore, type, typeLabel, side, intentBasis, inferredIntent }',
  returnsSchema: shape({
    found: 'boolean',
    date: 'string',
    daysBefore: 'number',
    type: 'string',
    typeLabel: 'string',
    side: 'string',
    intentBasis: 'string?',
    inferredIntent: 'object?'
  }),
  compute: (ctx, params) => {
    const type = sessionType(ctx, params)
    const last = sideSessions(ctx).filter((s) => s.type === type).at(-1)
    if (last === undefined || ctx.order === undefined) return { found: false }
    return {
      found: true,
      date: last.date,
      daysBefore: ctx.order.day - last.day,
      type,
      typeLabel: typeLabel(last.type),
      side: last.side === 'unknown' ? 'side not recorded' : last.side,
      ...intentMembers([...orderIf(ctx, params), last])
    }
  }
}

export const diagnosticBlocksFact: FactDefinition = {
  name: 'diagnosticBlocks',
  description: 'Completed diagnostic facet sessions (64490–64495 / 0213T–0218T whose intent is diagnostic: explicit, signalled or inferred) in the order\'s region on a matching side, before the planned date, with their relief from linked pre/post pain scores. qualifying = relief ≥ reliefPct; undocumented relief never qualifies and is counted separately.',
  reads: ['Procedure', 'Observation'],
  params: { type: 'object', required: ['reliefPct'], additionalProperties: false, properties: { reliefPct: POSITIVE } },
  returns: '{ found, total, qualifying, undocumented, blocks (text), intentBasis, inferredIntent }',
  returnsSchema: shape({
    found: 'boolean',
    total: 'number',
    qualifying: 'number',
    undocumented: 'number',
    blocks: 'string',
    intentBasis: 'string?',
    inferredIntent: 'object?'
  }),
  compute: (ctx, params) => {
    if (ctx.order === undefined) return { found: false, total: 0, qualifying: 0, undocumented: 0 }
    const blocks = diagnosticBlocksOf(ctx, sideSessions(ctx))
    const pct = num(params, 'reliefPct')
    return {
      found: blocks.length > 0,
      total: blocks.length,
      qualifying: blocks.filter((b) => qualifies(b, pct)).length,
      undocumented: blocks.filter((b) => !b.documented).length,
      blocks: blocks.map((b) => b.label).join('; ') || 'none recorded',
      ...intentMembers(blocks.map((b) => b.session))
    }
  }
}

export const priorDiagnosticReliefFact: FactDefinition = {
  name: 'priorDiagnosticRelief',
  description: 'Diagnostic blocks in the order\'s region on a matching side within withinDays before the planned date whose documented relief was below reliefPct (negative blocks). Blocks with undocumented relief are not counted as negative.',
  reads: ['Procedure', 'Observation'],
  params: { type: 'object', required: ['withinDays', 'reliefPct'], additionalProperties: false, properties: { withinDays: POSITIVE, reliefPct: POSITIVE } },
  returns: '{ found, count, date, reliefPct, blocks (text), intentBasis, inferredIntent }',
  returnsSchema: shape({
    found: 'boolean',
    count: 'number',
    date: 'string',
    reliefPct: 'number',
    blocks: 'string',
    intentBasis: 'string?',
    inferredIntent: 'object?'
  }),
  compute: (ctx, params) => {
    if (ctx.order === undefined) return { found: false, count: 0 }
    const planned = ctx.order.day
    const pct = num(params, 'reliefPct')
    const negative = diagnosticBlocksOf(ctx, sideSessions(ctx).filter((s) => planned - s.day <= num(params, 'withinDays')))
      .filter((b) => b.documented && b.pct !== undefined && b.pct < pct)
    const latest = negative.at(-1)
    if (latest === undefined) return { found: false, count: 0 }
    return {
      found: true,
      count: negative.length,
      date: latest.session.date,
      reliefPct: round(latest.pct ?? 0, 1),
      blocks: negative.map((b) => b.label).join('; '),
      ...intentMembers([ctx.order, ...negative.map((b) => b.session)])
    }
  }
}

export const orderIntentFact: FactDefinition = {
  name: 'orderIntent',
  description: 'The intent of the facet session being ordered, for rules whose firing depends on it: type (diagnostic | therapeutic | rfa), intent, intentBasis (explicit: intent category (RFA: always therapeutic); signal: SNOMED intent code, KX modifier or intent words; inferred: from the earlier sessions of the region on a matching side) and its reason; inferredIntent when inferred.',
  reads: ['Procedure'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, type, intent, intentBasis, intentReason, inferredIntent }',
  returnsSchema: shape({
    found: 'boolean',
    type: 'string',
    intent: 'string',
    intentReason: 'string',
    intentBasis: 'string?',
    inferredIntent: 'object?'
  }),
  compute: ({ order }) => {
    if (order === undefined) return { found: false }
    return {
      found: true,
      type: order.type,
      intent: order.intent,
      intentReason: order.intentReason,
      ...intentMembers([order])
    }
  }
}

const EARLIER_ORDER_STATUSES = new Set(['active', 'completed', 'on-hold'])

export const firstFacetOrderFact: FactDefinition = {
  name: 'firstFacetOrder',
  description: 'Whether the facet order being placed is the patient\'s first: no facet Procedure (completed, in progress or preparation) and no earlier facet ServiceRequest (active, on-hold or completed, not part of this call) in any region.',
  reads: ['Procedure', 'ServiceRequest'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, first, priorProcedures, priorOrders }',
  returnsSchema: shape({ found: 'boolean', first: 'boolean', priorProcedures: 'number', priorOrders: 'number' }),
  compute: (ctx) => {
    if (ctx.order === undefined) return { found: false }
    const vs = ctx.valueSet('facet-procedures')
    const procedures = ctx.record.coded('Procedure', vs)
      .filter(({ resource }) => ['completed', 'in-progress', 'preparation'].includes(String(resource.status))).length
    const orders = ctx.record.coded('ServiceRequest', vs)
      .filter(({ resource }) =>
        !ctx.record.isDraftOrder(resource) && EARLIER_ORDER_STATUSES.has(String(resource.status))).length
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
  returnsSchema: shape({ found: 'boolean', count: 'number', names: 'string', latestDate: 'string' }),
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
