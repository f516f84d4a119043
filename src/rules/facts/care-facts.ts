// Facts about care over time: conservative care before a facet procedure (PT after one: pt-follow-up-facts.ts).

import { dayNumber, isoDate } from '../../fhir/dates.js'
import { describeMatch } from '../../fhir/medication-match.js'
import { type Resource, clinicalDate, obj, str } from '../../fhir/resource.js'
import { type FactContext, type FactDefinition, POSITIVE, anchorDay, num, shape } from './fact.js'
import { type MedicationHit, medicationPeriod, medications } from './medication-records.js'

const PT_SETS = ['pt-evaluation', 'pt-reevaluation', 'pt-treatment', 'pt-referral']
const DELIVERED_APPOINTMENT = new Set(['arrived', 'fulfilled'])
const BOOKED_APPOINTMENT = new Set(['proposed', 'pending', 'booked'])
const OPEN_REFERRAL = new Set(['active', 'draft'])
const TAKEN_MEDICATION = new Set(['active', 'completed', 'stopped'])

interface Covered { start: number, end: number, kind: string }

/** Care actually delivered (FHIR-DATA.md "Conservative care span"), each with the days it covers. */
function deliveredCare (ctx: FactContext): { covered: Covered[], meds: MedicationHit[] } {
  const { record, valueSet } = ctx
  const covered: Covered[] = []
  const once = new Set<Resource>()
  const add = (r: Resource, date: string | undefined, kind: string): void => {
    const day = dayNumber(date)
    if (day === undefined || once.has(r)) return
    once.add(r)
    covered.push({ start: day, end: day, kind })
  }
  for (const vs of PT_SETS.slice(0, 3)) {
    for (const { resource } of record.coded('Procedure', valueSet(vs))) {
      if (resource.status === 'completed') add(resource, clinicalDate(resource), 'physical therapy')
    }
  }
  for (const vs of PT_SETS) {
    for (const { resource } of record.coded('Appointment', valueSet(vs))) {
      if (DELIVERED_APPOINTMENT.has(String(resource.status))) add(resource, str(resource.start), 'physical therapy')
    }
    for (const { resource } of record.coded('Encounter', valueSet(vs))) {
      if (resource.status === 'finished') add(resource, str(obj(resource.period)?.start), 'physical therapy')
    }
  }
  for (const { resource } of record.coded('Procedure', valueSet('chiropractic'))) {
    if (resource.status === 'completed') add(resource, clinicalDate(resource), 'chiropractic care')
  }
  const meds = medications(record, valueSet('conservative-care-medications')).filter((m) => TAKEN_MEDICATION.has(String(m.resource.status)))
  for (const m of meds) {
    const period = medicationPeriod(m.resource, record.time.day)
    if (period !== undefined) covered.push({ ...period, kind: 'NSAID/analgesic' })
  }
  return { covered, meds }
}

/** PT arranged but not (yet) delivered: open referrals and booked appointments from the window on. */
function arrangedCare (ctx: FactContext, from: number): string[] {
  const { record, valueSet } = ctx
  const out: Array<{ day: number, text: string }> = []
  const seen = new Set<Resource>()
  for (const vs of PT_SETS) {
    for (const { resource } of record.coded('ServiceRequest', valueSet(vs))) {
      if (seen.has(resource)) continue
      // A PT referral among this call's orders is arranged now: it is not care yet, and the card
      // must not suggest a second referral beside it.
      if (record.isDraftOrder(resource)) {
        seen.add(resource)
        out.push({ day: record.time.day, text: 'PT referral being ordered now' })
        continue
      }
      const day = dayNumber(str(resource.authoredOn) ?? clinicalDate(resource))
      if (!OPEN_REFERRAL.has(String(resource.status)) || day === undefined || day < from) continue
      seen.add(resource)
      out.push({ day, text: `PT referral of ${isoDate(day)} not yet attended` })
    }
    for (const { resource } of record.coded('Appointment', valueSet(vs))) {
      const day = dayNumber(str(resource.start))
      const booked = BOOKED_APPOINTMENT.has(String(resource.status))
      if (seen.has(resource) || !booked || day === undefined || day < from) continue
      seen.add(resource)
      out.push({ day, text: `PT appointment ${String(resource.status)} for ${isoDate(day)}, not yet attended` })
    }
  }
  return out.sort((a, b) => a.day - b.day).map((x) => x.text)
}

export const conservativeCareFact: FactDefinition = {
  name: 'conservativeCare',
  description: 'Conservative care actually delivered in the lookbackDays before the planned date: completed PT Procedures (evaluation, re-evaluation, treatment), PT Appointments arrived/fulfilled (dated by start), finished PT Encounters, completed chiropractic Procedures (98940–98942), and NSAID/analgesic MedicationRequests/Statements (MEDICATION MATCH; status active, completed or stopped) over the days they cover (start to validityPeriod.end, else start + expectedSupplyDuration, else the start day; an active one with no end to now; a statement over its effectivePeriod). spanDays = first to last covered day inside the window. PT referrals and booked appointments are not care: arranged lists them. Orders placed in this call never count.',
  reads: ['Procedure', 'Appointment', 'Encounter', 'ServiceRequest', 'MedicationRequest', 'MedicationStatement'],
  params: { type: 'object', required: ['lookbackDays'], additionalProperties: false, properties: { lookbackDays: POSITIVE } },
  returns: '{ found, count, first, last, spanDays, kinds, medications, arranged, hasArranged }',
  returnsSchema: shape({
    found: 'boolean',
    count: 'number',
    arranged: 'string?',
    hasArranged: 'boolean',
    first: 'string',
    last: 'string',
    spanDays: 'number',
    kinds: 'string',
    medications: 'string?'
  }),
  compute: (ctx, params) => {
    const end = anchorDay(ctx)
    const start = end - num(params, 'lookbackDays')
    const { covered, meds } = deliveredCare(ctx)
    const inWindow = covered.filter((c) => c.start <= end && c.end >= start)
      .map((c) => ({ ...c, start: Math.max(c.start, start), end: Math.min(c.end, end) }))
    const arranged = arrangedCare(ctx, start)
    const base = { arranged: arranged.length === 0 ? null : arranged.join('; '), hasArranged: arranged.length > 0 }
    if (inWindow.length === 0) return { found: false, count: 0, ...base }
    const first = Math.min(...inWindow.map((d) => d.start))
    const last = Math.max(...inWindow.map((d) => d.end))
    const shownMeds = meds.filter((m) => {
      const p = medicationPeriod(m.resource, ctx.record.time.day)
      return p !== undefined && p.start <= end && p.end >= start
    })
    return {
      found: true,
      count: inWindow.length,
      first: isoDate(first),
      last: isoDate(last),
      spanDays: last - first,
      kinds: [...new Set(inWindow.map((d) => d.kind))].sort().join(' and '),
      medications: shownMeds.length === 0 ? null : [...new Set(shownMeds.map((m) => describeMatch(m.med)))].sort().join(', '),
      ...base
    }
  }
}
