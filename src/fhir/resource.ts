// Minimal structural view of FHIR resources as the rules read them. Inputs are untrusted JSON,
// so every accessor tolerates missing or wrongly-typed members instead of throwing.

import { asArray } from './valueset.js'

export interface Resource {
  resourceType: string
  id?: string
  [member: string]: unknown
}

const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/

/** A JSON object with a plausible FHIR resourceType (letters only, capitalised). */
export function isResource (value: unknown): value is Resource {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const type = (value as { resourceType?: unknown }).resourceType
  return typeof type === 'string' && RESOURCE_TYPE.test(type)
}

export function refKey (r: Resource): string | undefined {
  return typeof r.id === 'string' && r.id !== '' ? `${r.resourceType}/${r.id}` : undefined
}

/** A member read as an object, or undefined. */
export function obj (value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined
}

export function str (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** `reference` strings of one or more Reference members. */
export function references (value: unknown): string[] {
  const out: string[] = []
  for (const v of asArray(value)) {
    const ref = str(obj(v)?.reference)
    if (ref !== undefined) out.push(ref)
  }
  return out
}

/** Normalises `Patient/1`, `http://x/fhir/Patient/1/_history/2` to `Patient/1`; other forms unchanged. */
export function normaliseReference (ref: string): string {
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref)
  return m === null ? ref : `${m[1]}/${m[2]}`
}

/** The patient a resource is about: subject / patient / beneficiary / Appointment participant. */
export function patientReferences (r: Resource): string[] {
  if (r.resourceType === 'Appointment') {
    return asArray(r.participant as unknown[]).flatMap((p) => references(obj(p)?.actor))
      .filter((ref) => normaliseReference(ref).startsWith('Patient/') || ref.startsWith('urn:'))
  }
  return [...references(r.subject), ...references(r.patient)]
    .filter((ref) => normaliseReference(ref).startsWith('Patient/') || ref.startsWith('urn:'))
}

/** Clinical date of a resource (FHIR-DATA.md): the member the rules date it by. */
export function clinicalDate (r: Resource): string | undefined {
  switch (r.resourceType) {
    case 'Observation':
      return str(r.effectiveDateTime) ?? str(obj(r.effectivePeriod)?.start) ?? str(r.effectiveInstant) ?? str(r.issued)
    case 'Procedure':
      return str(r.performedDateTime) ?? str(obj(r.performedPeriod)?.start)
    case 'Condition':
      return str(r.onsetDateTime) ?? str(obj(r.onsetPeriod)?.start) ?? str(r.recordedDate)
    case 'MedicationRequest':
      return str(r.authoredOn)
    case 'MedicationStatement':
      return str(r.effectiveDateTime) ?? str(obj(r.effectivePeriod)?.start) ?? str(r.dateAsserted)
    case 'ServiceRequest':
      return str(r.occurrenceDateTime) ?? str(obj(r.occurrencePeriod)?.start) ?? str(r.authoredOn)
    case 'Appointment':
      return str(r.start) ?? str(r.created)
    case 'CarePlan':
      return str(r.created) ?? str(obj(r.period)?.start)
    case 'Encounter':
      return str(obj(r.period)?.start)
    default:
      return undefined
  }
}

export function codingCodes (concept: unknown): Array<{ system: string, code: string }> {
  const out: Array<{ system: string, code: string }> = []
  for (const cc of asArray(concept)) {
    for (const c of asArray(obj(cc)?.coding as unknown[])) {
      const system = str(obj(c)?.system)
      const code = str(obj(c)?.code)
      if (system !== undefined && code !== undefined) out.push({ system, code })
    }
  }
  return out
}
