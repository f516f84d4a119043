// Facts about the PT episode: documentation due (PT-03), PT already arranged (PT-01), episode end
// and home exercise programme (PT-06). The episode itself is read in pt-episode.ts.

import { dayNumber, isoDate } from '../../fhir/dates.js'
import { type Resource, obj } from '../../fhir/resource.js'
import { asArray } from '../../fhir/valueset.js'
import { type FactDefinition, POSITIVE, num, shape } from './fact.js'
import { activePtPlan, documentedDays, ptEpisode } from './pt-episode.js'
import { ptActivity } from './pt.js'

const date = (d: number | undefined): string | null => d === undefined ? null : isoDate(d)

export const ptEpisodeFact: FactDefinition = {
  name: 'ptEpisode',
  description: 'The active PT episode: found = an active CarePlan with category SNOMED 91251008. start = latest PT evaluation (97161–97163), else the plan period start/created. visits = distinct dates of PT treatment Procedures since the start; visitsSinceReport = distinct treatment dates after the latest evaluation/re-evaluation (97164). Certification = CarePlan.created; uncertifiedDays = days since the first visit (else the start) when the plan has no created date. discharged = a PT discharge (value set pt-discharge) on or after the latest evaluation.',
  reads: ['CarePlan', 'Procedure', 'Observation'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, start, daysSinceStart, visits, lastReport, visitsSinceReport, certified, certDate, daysSinceCert, firstVisit, uncertifiedDays, discharged, dischargeDate }',
  returnsSchema: shape({
    found: 'boolean',
    start: 'string',
    startFrom: 'string',
    daysSinceStart: 'number',
    visits: 'number',
    lastReport: 'string?',
    visitsSinceReport: 'number',
    certified: 'boolean',
    certDate: 'string?',
    daysSinceCert: 'number?',
    firstVisit: 'string?',
    uncertifiedDays: 'number?',
    discharged: 'boolean',
    dischargeDate: 'string?'
  }),
  compute: ({ record, valueSet }) => {
    const ep = ptEpisode(record, valueSet)
    if (ep.plan === undefined || ep.startDay === undefined) return { found: false }
    const today = record.time.day
    const reportDay = ep.lastReportDay ?? ep.startDay
    const firstVisit = ep.visitDays[0]
    const certDay = ep.plan.createdDay
    return {
      found: true,
      start: isoDate(ep.startDay),
      startFrom: ep.evaluationDay === undefined ? 'plan of care' : 'PT evaluation',
      daysSinceStart: today - ep.startDay,
      visits: ep.visitDays.length,
      lastReport: date(ep.lastReportDay),
      visitsSinceReport: ep.visitDays.filter((d) => d > reportDay).length,
      certified: certDay !== undefined,
      certDate: date(certDay),
      daysSinceCert: certDay === undefined ? null : today - certDay,
      firstVisit: date(firstVisit),
      uncertifiedDays: certDay === undefined ? today - (firstVisit ?? ep.startDay) : null,
      discharged: ep.dischargeDay !== undefined,
      dischargeDate: date(ep.dischargeDay)
    }
  }
}

export const ptArrangedFact: FactDefinition = {
  name: 'ptArranged',
  description: 'Whether physical therapy is already arranged: an active PT plan of care; an active or draft PT referral ServiceRequest on record; a PT referral among the orders being signed now; or PT activity (procedure, referral, appointment not cancelled) dated within recentDays before now or later.',
  reads: ['CarePlan', 'ServiceRequest', 'Procedure', 'Appointment'],
  params: { type: 'object', required: ['recentDays'], additionalProperties: false, properties: { recentDays: POSITIVE } },
  returns: '{ found, activePlan, openReferral, referralInOrders, recentActivity, lastActivity }',
  returnsSchema: shape({
    found: 'boolean',
    activePlan: 'boolean',
    openReferral: 'boolean',
    referralInOrders: 'boolean',
    recentActivity: 'boolean',
    lastActivity: 'string?'
  }),
  compute: ({ record, valueSet }, params) => {
    const recent = num(params, 'recentDays')
    const pt = ptActivity(record, valueSet)
    const openReferral = pt.some((p) => p.kind === 'referral' && (p.status === 'active' || p.status === 'draft'))
    const referralVs = ['pt-referral', 'pt-evaluation', 'pt-treatment'].map(valueSet)
    const referralInOrders = record.activeOrders.some((r) => r.resourceType === 'ServiceRequest' && referralVs.some((vs) => vs.match(r.code) !== undefined))
    const inWindow = pt.filter((p) => p.day >= record.time.day - recent)
    const activePlan = activePtPlan(record, valueSet) !== undefined
    const last = pt.filter((p) => p.day <= record.time.day).at(-1)
    return {
      found: activePlan || openReferral || referralInOrders || inWindow.length > 0,
      activePlan,
      openReferral,
      referralInOrders,
      recentActivity: inWindow.length > 0,
      lastActivity: date(last?.day)
    }
  }
}

const EXCLUDED_PLAN = new Set(['entered-in-error', 'revoked'])

function planHasHep (plan: Resource, match: (c: unknown) => boolean): boolean {
  if (match(plan.category)) return true
  return asArray(plan.activity as unknown[]).some((a) => match(obj(obj(a)?.detail)?.code))
}

export const ptEpisodeEndFact: FactDefinition = {
  name: 'ptEpisodeEnd',
  description: 'A PT episode that ended within withinDays of now: a PT discharge documented (value set pt-discharge, completed Procedure or final Observation, on or after the latest PT evaluation), or the active PT plan of care whose last planned visit has passed (CarePlan.period.end, else the latest activity scheduled end, before today, with no PT evaluation after it). hepDocumented = an individualised home exercise programme (value set home-exercise-program) as a completed Procedure or final Observation dated on or after the episode start, or as a CarePlan category/activity code (plan not revoked or entered in error).',
  reads: ['CarePlan', 'Procedure', 'Observation'],
  params: { type: 'object', required: ['withinDays'], additionalProperties: false, properties: { withinDays: POSITIVE } },
  returns: '{ found, reason, endDate, daysAgo, start, hepDocumented, hepDate }',
  returnsSchema: shape({
    found: 'boolean',
    reason: 'string',
    endDate: 'string',
    daysAgo: 'number',
    start: 'string?',
    hepDocumented: 'boolean',
    hepDate: 'string?'
  }),
  compute: ({ record, valueSet }, params) => {
    const today = record.time.day
    const ep = ptEpisode(record, valueSet)
    const ends: Array<{ day: number, reason: string }> = []
    if (ep.dischargeDay !== undefined) ends.push({ day: ep.dischargeDay, reason: 'PT discharge documented' })
    const planEnd = ep.plan?.endDay
    if (planEnd !== undefined && planEnd < today && (ep.evaluationDay === undefined || ep.evaluationDay <= planEnd)) {
      ends.push({ day: planEnd, reason: 'last planned PT visit passed' })
    }
    const end = ends.sort((a, b) => b.day - a.day)[0]
    if (end === undefined || today - end.day > num(params, 'withinDays')) return { found: false }
    const start = ep.evaluationDay ?? ep.plan?.startDay
    const hep = valueSet('home-exercise-program')
    const hepDays = documentedDays(record, hep).filter((d) => start === undefined || d >= start)
    const plans = record.ofType('CarePlan').filter((p) => !EXCLUDED_PLAN.has(String(p.status)) &&
      planHasHep(p, (c) => hep.match(c) !== undefined))
    const planHep = plans.some((p) => {
      const d = dayNumber(p.created) ?? dayNumber(obj(p.period)?.start)
      return p === ep.plan?.resource || start === undefined || d === undefined || d >= start
    })
    return {
      found: true,
      reason: end.reason,
      endDate: isoDate(end.day),
      daysAgo: today - end.day,
      start: date(start),
      hepDocumented: hepDays.length > 0 || planHep,
      hepDate: date(hepDays.at(-1))
    }
  }
}
