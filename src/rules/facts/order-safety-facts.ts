// Facts for order-time safety and technique checks: the order's injectate (steroid), sedation
// ordered with it, implanted devices, allergies, pregnancy evidence, documented reasons RFA is
// unsuitable, and the hook being answered (for variants limited to one hook).

import { dayNumber, isoDate } from '../../fhir/dates.js'
import { isFinalObservation } from '../../fhir/quantity.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import { type Resource, clinicalDate, codingCodes, obj, str } from '../../fhir/resource.js'
import type { ValueSet } from '../../fhir/valueset.js'
import { asArray } from '../../fhir/valueset.js'
import { activeConditions, names } from './clinical.js'
import { type FactDefinition, POSITIVE, VALUESET, num, text, shape } from './fact.js'
import { intentMembers } from './facet-history-facts.js'
import { sessionSteroid } from './steroid-exposure.js'

export const orderSteroidFact: FactDefinition = {
  name: 'orderSteroid',
  description: 'Whether the facet order may carry a corticosteroid (IS_STEROID for the safety rules): a corticosteroid coded in ServiceRequest.orderDetail (recorded), or an IA/MBB with no injectate recorded whose intent is not explicitly diagnostic (category, coded or text signal): counted as steroid for safety, also when its diagnostic intent is only inferred (assumed). A recorded steroid-free injectate (an RxNorm coding), an explicitly diagnostic block and an RFA without a recorded steroid are not steroid. intentBasis / inferredIntent are reported only when the answer depends on the order\'s intent (assumed steroid).',
  reads: [],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, steroid, assumed, basis, drugs, intentBasis, inferredIntent }',
  returnsSchema: shape({
    found: 'boolean',
    steroid: 'boolean',
    assumed: 'boolean',
    drugs: 'string',
    basis: 'string',
    intentBasis: 'string?',
    inferredIntent: 'object?'
  }),
  compute: ({ order, record, valueSet }) => {
    if (order === undefined) return { found: false, steroid: false }
    const s = sessionSteroid(record, order, valueSet('corticosteroids'))
    return { found: true, ...s, ...(s.assumed ? intentMembers([order]) : {}) }
  }
}

const ORDER_STATUSES = new Set(['draft', 'active'])

export const orderSedationFact: FactDefinition = {
  name: 'orderSedation',
  description: 'Moderate sedation or anaesthesia ServiceRequests (value set sedation-anesthesia; draft orders of this call or active orders) planned for the same calendar date as the facet order (undated draft orders = now).',
  reads: ['ServiceRequest'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, names, codes, date }',
  returnsSchema: shape({ found: 'boolean', names: 'string', codes: 'string', date: 'string' }),
  compute: ({ record, order, valueSet }) => {
    if (order === undefined) return { found: false }
    const hits = record.coded('ServiceRequest', valueSet('sedation-anesthesia')).filter(({ resource }) => {
      if (!ORDER_STATUSES.has(String(resource.status))) return false
      const day = dayNumber(clinicalDate(resource)) ?? (record.isDraftOrder(resource) ? record.time.day : undefined)
      return day === order.day
    })
    if (hits.length === 0) return { found: false }
    return { found: true, names: names(hits).join(', '), codes: [...new Set(hits.map((h) => h.match.code))].sort().join(', '), date: order.date }
  }
}

const INACTIVE_DEVICE = new Set(['inactive', 'entered-in-error'])

function activeDevices (record: EvaluationRecord, vs: ValueSet): ReturnType<EvaluationRecord['coded']> {
  return record.coded('Device', vs).filter(({ resource }) => !INACTIVE_DEVICE.has(String(resource.status)))
}

export const implantedDeviceFact: FactDefinition = {
  name: 'implantedDevice',
  description: 'Device resources (status active or absent; inactive/entered-in-error ignored) whose type is in the value set (default implanted-devices: pacemaker, ICD, neurostimulator).',
  reads: ['Device'],
  params: { type: 'object', additionalProperties: false, properties: { valueset: VALUESET } },
  valueSetParams: ['valueset'],
  returns: '{ found, count, names, kinds }',
  returnsSchema: shape({ found: 'boolean', count: 'number', names: 'string', kinds: 'string' }),
  compute: ({ record, valueSet }, params) => {
    const hits = activeDevices(record, valueSet(text(params, 'valueset', 'implanted-devices')))
    if (hits.length === 0) return { found: false, count: 0 }
    return { found: true, count: hits.length, names: names(hits).join(', '), kinds: [...new Set(hits.map((h) => String(h.match.properties.kind ?? 'device')))].sort().join(', ') }
  }
}

const INACTIVE_ALLERGY = new Set(['inactive', 'resolved'])
const REFUTED = new Set(['refuted', 'entered-in-error'])

export const allergyPresentFact: FactDefinition = {
  name: 'allergyPresent',
  description: 'AllergyIntolerance records coded in a value set (clinicalStatus active or absent; inactive/resolved ignored; verificationStatus refuted/entered-in-error ignored).',
  reads: ['AllergyIntolerance'],
  params: { type: 'object', required: ['valueset'], additionalProperties: false, properties: { valueset: VALUESET } },
  valueSetParams: ['valueset'],
  returns: '{ found, count, names }',
  returnsSchema: shape({ found: 'boolean', count: 'number', names: 'string' }),
  compute: ({ record, valueSet }, params) => {
    const hits = record.coded('AllergyIntolerance', valueSet(text(params, 'valueset'))).filter(({ resource }) =>
      !codingCodes(resource.clinicalStatus).some((c) => INACTIVE_ALLERGY.has(c.code)) &&
      !codingCodes(resource.verificationStatus).some((c) => REFUTED.has(c.code)))
    if (hits.length === 0) return { found: false, count: 0 }
    return { found: true, count: hits.length, names: names(hits).join(', ') }
  }
}

const POSITIVE_CODES = new Set(['10828004', 'LA6576-8', 'POS'])
const NEGATIVE_CODES = new Set(['260385009', 'LA6577-6', 'NEG'])
const POSITIVE_TEXT = /^(positive|pos|detected|reactive)$/i
const NEGATIVE_TEXT = /^(negative|neg|not detected|non-reactive|nonreactive)$/i

/** A qualitative result: true positive, false negative, undefined unreadable. */
function presence (r: Resource): boolean | undefined {
  if (typeof r.valueBoolean === 'boolean') return r.valueBoolean
  const texts: string[] = []
  const s = str(r.valueString)
  if (s !== undefined) texts.push(s.trim())
  const cc = obj(r.valueCodeableConcept)
  if (cc !== undefined) {
    for (const c of codingCodes(cc)) {
      if (POSITIVE_CODES.has(c.code)) return true
      if (NEGATIVE_CODES.has(c.code)) return false
    }
    const t = str(cc.text)
    if (t !== undefined) texts.push(t.trim())
    for (const c of asArray(cc.coding as unknown[])) {
      const d = str(obj(c)?.display)
      if (d !== undefined) texts.push(d.trim())
    }
  }
  if (texts.some((t) => POSITIVE_TEXT.test(t))) return true
  if (texts.some((t) => NEGATIVE_TEXT.test(t))) return false
  return undefined
}

export const pregnancyEvidenceFact: FactDefinition = {
  name: 'pregnancyEvidence',
  description: 'Possible pregnancy: an active pregnancy Condition (value set pregnancy) with onset or recorded date within lookbackDays, or undated; or the latest readable hCG result (value set hcg) within lookbackDays is positive (a later negative test supersedes an earlier positive one; unreadable results are ignored).',
  reads: ['Condition', 'Observation'],
  params: { type: 'object', required: ['lookbackDays'], additionalProperties: false, properties: { lookbackDays: POSITIVE } },
  returns: '{ found, basis, date }',
  returnsSchema: shape({ found: 'boolean', basis: 'string', date: 'string?' }),
  compute: ({ record, valueSet }, params) => {
    const lookback = num(params, 'lookbackDays')
    const today = record.time.day
    const inWindow = (d: number | undefined): boolean => d !== undefined && d <= today && today - d <= lookback
    const conditions = activeConditions(record, valueSet('pregnancy')).filter((c) => {
      const days = [c.day, dayNumber(c.resource.recordedDate)].filter((d): d is number => d !== undefined)
      return days.length === 0 || days.some(inWindow)
    })
    const basis: string[] = []
    let date: string | null = null
    if (conditions.length > 0) {
      basis.push(`pregnancy on the problem list (${names(conditions).join(', ')})`)
      const dated = conditions.map((c) => c.day).filter((d): d is number => d !== undefined)
      if (dated.length > 0) date = isoDate(Math.max(...dated))
    }
    const tests = record.coded('Observation', valueSet('hcg'))
      .map(({ resource }) => ({ resource, day: dayNumber(clinicalDate(resource)), result: presence(resource) }))
      .filter((t) => isFinalObservation(t.resource) && inWindow(t.day) && t.result !== undefined)
      .sort((a, b) => (b.day as number) - (a.day as number))
    const latest = tests[0]
    if (latest?.result === true) {
      basis.push(`positive hCG on ${isoDate(latest.day as number)}`)
      date = isoDate(latest.day as number)
    }
    if (basis.length === 0) return { found: false }
    return { found: true, basis: basis.join('; '), date }
  }
}

export const rfaUnsuitableFact: FactDefinition = {
  name: 'rfaUnsuitable',
  description: 'A documented reason RFA is unsuitable (value set rfa-contraindications): an active Condition (e.g. pseudarthrosis M96.0, pacemaker Z95.0, local code rfa-unsuitable) or an active implanted-device Device.',
  reads: ['Condition', 'Device'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, names }',
  returnsSchema: shape({ found: 'boolean', names: 'string' }),
  compute: ({ record, valueSet }) => {
    const vs = valueSet('rfa-contraindications')
    const hits = [...activeConditions(record, vs), ...activeDevices(record, vs)]
    if (hits.length === 0) return { found: false }
    return { found: true, names: names(hits).join(', ') }
  }
}

export const settingFact: FactDefinition = {
  name: 'setting',
  description: 'Echoes a parameter value so a rule can be switched by a boolean parameter, e.g. { "fact": "setting", "params": { "value": { "param": "REQUIRE_X" } }, "path": "$.value", "operator": "equal", "value": true }.',
  reads: [],
  params: { type: 'object', required: ['value'], additionalProperties: false, properties: { value: { type: ['boolean', 'number'] } } },
  returns: '{ found: true, value }',
  returnsSchema: shape({ found: 'boolean', value: 'boolean|number' }),
  compute: (_ctx, params) => ({ found: true, value: params.value })
}
