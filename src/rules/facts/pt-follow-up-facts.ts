// PT-02 (revision 2/2b): has physical therapy started, or been booked, since the latest
// therapeutic/RFA facet session? FHIR-DATA.md "Physical therapy": PT started = PT delivered on or
// after the procedure date (completed PT evaluation or treatment Procedure, arrived/fulfilled PT
// Appointment dated by `start`, finished PT Encounter) or an active PT plan of care created, or
// starting, on or after it; PT booked = a proposed/pending/booked PT Appointment dated on or after
// it; open PT referral = an active or draft PT ServiceRequest (since its authoredOn).

import { dayNumber, isoDate } from '../../fhir/dates.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import { type Resource, clinicalDate, obj, str } from '../../fhir/resource.js'
import type { ValueSet } from '../../fhir/valueset.js'
import { type FactContext, type FactDefinition, POSITIVE, facetHistory, num, shape } from './fact.js'
import { intentMembers } from './facet-history-facts.js'

const PT_VALUESETS = ['pt-evaluation', 'pt-reevaluation', 'pt-treatment', 'pt-referral']
const DELIVERED_APPOINTMENT = new Set(['arrived', 'fulfilled', 'checked-in'])
const BOOKED_APPOINTMENT = new Set(['proposed', 'pending', 'booked'])

/** Resources of a type coded in any PT value set, each once. */
function ptCoded (
  record: EvaluationRecord,
  type: string,
  valueSet: (id: string) => ValueSet,
  ids = PT_VALUESETS
): Resource[] {
  const seen = new Set<Resource>()
  for (const id of ids) for (const { resource } of record.coded(type, valueSet(id))) seen.add(resource)
  return [...seen].filter((r) => !record.isDraftOrder(r))
}

interface Dated { day: number, what: string }

function firstOnOrAfter (list: Dated[], from: number): Dated | undefined {
  return list.filter((x) => x.day >= from).sort((a, b) => a.day - b.day)[0]
}

/** PT delivered, or a plan of care begun, dated on or after `from`. */
function ptStarted (ctx: FactContext, from: number): Dated | undefined {
  const { record, valueSet } = ctx
  const out: Dated[] = []
  const add = (r: Resource, what: string, date = clinicalDate(r)): void => {
    const day = dayNumber(date)
    if (day !== undefined && day <= record.time.day) out.push({ day, what })
  }
  for (const r of ptCoded(record, 'Procedure', valueSet, ['pt-evaluation', 'pt-reevaluation', 'pt-treatment'])) {
    if (r.status === 'completed') add(r, 'PT evaluation or treatment')
  }
  for (const r of ptCoded(record, 'Appointment', valueSet)) {
    if (DELIVERED_APPOINTMENT.has(String(r.status))) add(r, 'PT appointment attended', str(r.start))
  }
  for (const r of ptCoded(record, 'Encounter', valueSet)) {
    if (r.status === 'finished') add(r, 'PT encounter')
  }
  for (const { resource: r } of record.coded('CarePlan', valueSet('pt-care-plan-category'))) {
    if (r.status !== 'active' || record.isDraftOrder(r)) continue
    const days = [
      dayNumber(r.created),
      dayNumber(obj(r.period)?.start)
    ].filter((d): d is number => d !== undefined && d >= from)
    if (days.length > 0) out.push({ day: Math.min(...days), what: 'PT plan of care' })
  }
  return firstOnOrAfter(out, from)
}

function ptBooked (ctx: FactContext, from: number): Dated | undefined {
  const out: Dated[] = []
  for (const r of ptCoded(ctx.record, 'Appointment', ctx.valueSet)) {
    const day = dayNumber(str(r.start))
    if (BOOKED_APPOINTMENT.has(String(r.status)) && day !== undefined) out.push({ day, what: `PT appointment ${String(r.status)}` })
  }
  return firstOnOrAfter(out, from)
}

/** The earliest open (active or draft) PT referral on record, with its authoredOn. */
function openReferral (ctx: FactContext): { since: string | null } | undefined {
  const open = ptCoded(ctx.record, 'ServiceRequest', ctx.valueSet, ['pt-referral', 'pt-evaluation'])
    .filter((r) => r.status === 'active' || r.status === 'draft')
  if (open.length === 0) return undefined
  const days = open.map((r) => dayNumber(r.authoredOn)).filter((d): d is number => d !== undefined)
  return { since: days.length === 0 ? null : isoDate(Math.min(...days)) }
}

export const ptAfterProcedureFact: FactDefinition = {
  name: 'ptAfterProcedure',
  description: 'PT-02: the latest completed therapeutic or RFA facet session within withinDays of now, and PT since that date. started = a completed PT evaluation/re-evaluation/treatment Procedure, an arrived/fulfilled (or checked-in) PT Appointment (dated by start), a finished PT Encounter, or an active PT plan of care created or starting, on or after the procedure date (a plan from before the procedure is not a start). booked = a proposed/pending/booked PT Appointment dated on or after the procedure. openReferral = an active or draft PT ServiceRequest on record; referralSince = its authoredOn (earliest of several). ptNote = a sentence for ESC-04\'s detail when PT is overdue, else empty.',
  reads: ['Procedure', 'Appointment', 'Encounter', 'CarePlan', 'ServiceRequest'],
  params: {
    type: 'object',
    required: ['withinDays', 'therDays', 'rfaDays'],
    additionalProperties: false,
    properties: { withinDays: POSITIVE, therDays: POSITIVE, rfaDays: POSITIVE }
  },
  returns: '{ found, date, daysAgo, type, region, overdue, started, startedBy, startedDate, booked, bookedDate, openReferral, referralSince, ptNote }',
  returnsSchema: shape({
    found: 'boolean',
    date: 'string',
    daysAgo: 'number',
    type: 'string',
    region: 'string',
    overdue: 'boolean',
    started: 'boolean',
    startedBy: 'string?',
    startedDate: 'string?',
    booked: 'boolean',
    bookedDate: 'string?',
    openReferral: 'boolean',
    referralSince: 'string?',
    ptNote: 'string',
    intentBasis: 'string?',
    inferredIntent: 'object?'
  }),
  compute: (ctx, params) => {
    const today = ctx.record.time.day
    const session = facetHistory(ctx)
      .filter((s) => s.type !== 'diagnostic' && s.day <= today && today - s.day <= num(params, 'withinDays')).at(-1)
    if (session === undefined) return { found: false }
    const started = ptStarted(ctx, session.day)
    const booked = ptBooked(ctx, session.day)
    const referral = openReferral(ctx)
    const daysAgo = today - session.day
    const limit = session.type === 'rfa' ? num(params, 'rfaDays') : num(params, 'therDays')
    const overdue = started === undefined && booked === undefined && daysAgo > limit
    return {
      found: true,
      date: session.date,
      daysAgo,
      type: session.type,
      region: session.region,
      overdue,
      started: started !== undefined,
      startedBy: started?.what ?? null,
      startedDate: started === undefined ? null : isoDate(started.day),
      booked: booked !== undefined,
      bookedDate: booked === undefined ? null : isoDate(booked.day),
      openReferral: referral !== undefined,
      referralSince: referral?.since ?? null,
      ptNote: overdue
        ? ` PT not started, ${daysAgo} days after the facet procedure of ${session.date}; start it once serious pathology is excluded.`
        : '',
      ...intentMembers([session])
    }
  }
}
