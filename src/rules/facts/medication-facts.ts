// Facts read from MedicationRequest / MedicationStatement (and medication-status Conditions).

import { isoDate } from '../../fhir/dates.js'
import { activeConditions, isActiveMedication, medications, names } from './clinical.js'
import { type FactDefinition, POSITIVE, VALUESET, text } from './fact.js'

export const antithromboticsFact: FactDefinition = {
  name: 'antithrombotics',
  description: 'Active anticoagulant or antiplatelet medications (value set antithrombotics, by RxNorm ingredient) or a long-term anticoagulant/antiplatelet status code (antithrombotic-status, Z79.01/Z79.02), with the hold window of each drug from the value set.',
  reads: ['MedicationRequest', 'Condition'],
  params: { type: 'object', additionalProperties: false },
  returns: '{ found, drugs (text), holdWindows (text), classes }',
  compute: ({ record, valueSet }) => {
    const meds = medications(record, valueSet('antithrombotics')).filter((m) => isActiveMedication(m.resource))
    const status = activeConditions(record, valueSet('antithrombotic-status'))
    if (meds.length === 0 && status.length === 0) return { found: false }
    const drugs = new Map<string, string>()
    for (const m of meds) {
      const p = m.match.properties
      const name = typeof p.drug === 'string' ? p.drug : m.match.display
      const parts = [typeof p.holdAsra === 'string' ? `ASRA 2018 hold ${p.holdAsra} [unverified]` : undefined,
        typeof p.pause === 'string' ? `PAUSE ${p.pause}` : undefined,
        typeof p.restart === 'string' ? `restart ${p.restart}` : undefined].filter(Boolean)
      drugs.set(name, parts.length > 0 ? `${name}: ${parts.join('; ')}` : `${name}: no hold window on file`)
    }
    for (const s of status) {
      const label = s.match.properties.class === 'antiplatelet' ? 'long-term antiplatelet therapy' : 'long-term anticoagulant therapy'
      if (!drugs.has(label)) drugs.set(label, `${label} (${s.match.code}): drug not identified; check the medication list`)
    }
    const classes = [...new Set([...meds, ...status].map((m) => String(m.match.properties.class ?? 'anticoagulant')))].sort()
    return { found: true, drugs: [...drugs.keys()].sort().join(', '), holdWindows: [...drugs.values()].sort().join(' · '), classes }
  }
}

export const medicationStartedFact: FactDefinition = {
  name: 'medicationStarted',
  description: 'MedicationRequests/Statements in a value set (not cancelled or entered in error) started within withinDays of now.',
  reads: ['MedicationRequest'],
  params: {
    type: 'object',
    required: ['valueset', 'withinDays'],
    additionalProperties: false,
    properties: { valueset: VALUESET, withinDays: POSITIVE }
  },
  valueSetParams: ['valueset'],
  returns: '{ found, names, latestDate }',
  compute: ({ record, valueSet }, params) => {
    const within = params.withinDays as number
    const hits = medications(record, valueSet(text(params, 'valueset')))
      .filter((m) => m.day !== undefined && m.day <= record.time.day && record.time.day - m.day <= within)
    if (hits.length === 0) return { found: false }
    return { found: true, names: names(hits).join(', '), latestDate: isoDate(Math.max(...hits.map((h) => h.day as number))) }
  }
}
