// Minimal structural view of FHIR resources as the rules read them. Inputs are untrusted JSON,
// so every accessor tolerates missing or wrongly-typed members instead of throwing.

import type { FhirResource } from 'fhir/r4.js'
import { asArray } from './valueset.js'

export interface Resource {
  resourceType: string
  id?: string
  [member: string]: unknown
}

/** The R4 resource type names (@types/fhir). */
export type ResourceType = FhirResource['resourceType']

/**
 * A resource of one R4 type as received: the members are those @types/fhir names for it (a typo
 * such as `effectiveDatetime` does not compile), but each value stays `unknown` until an accessor
 * (`str`, `obj`, `asArray`…) has checked it: the input is untrusted JSON, never validated as R4.
 */
export type ResourceOf<K extends ResourceType> = { resourceType: K, id?: string } &
{ readonly [M in Exclude<keyof Extract<FhirResource, { resourceType: K }>, 'resourceType' | 'id'>]?: unknown }

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
  // Each case reads its type's R4 members (ResourceOf: a misspelt member does not compile).
  switch (r.resourceType) {
    case 'Observation': {
      const v = r as ResourceOf<'Observation'>
      return str(v.effectiveDateTime) ?? str(obj(v.effectivePeriod)?.start) ?? str(v.effectiveInstant) ?? str(v.issued)
    }
    case 'Procedure': {
      const v = r as ResourceOf<'Procedure'>
      return str(v.performedDateTime) ?? str(obj(v.performedPeriod)?.start)
    }
    case 'Condition': {
      const v = r as ResourceOf<'Condition'>
      return str(v.onsetDateTime) ?? str(obj(v.onsetPeriod)?.start) ?? str(v.recordedDate)
    }
    case 'MedicationRequest': {
      const v = r as ResourceOf<'MedicationRequest'>
      return str(v.authoredOn)
    }
    case 'MedicationStatement': {
      const v = r as ResourceOf<'MedicationStatement'>
      return str(v.effectiveDateTime) ?? str(obj(v.effectivePeriod)?.start) ?? str(v.dateAsserted)
    }
    case 'ServiceRequest': {
      const v = r as ResourceOf<'ServiceRequest'>
      return str(v.occurrenceDateTime) ?? str(obj(v.occurrencePeriod)?.start) ?? str(v.authoredOn)
    }
    case 'Appointment': {
      const v = r as ResourceOf<'Appointment'>
      return str(v.start) ?? str(v.created)
    }
    case 'CarePlan': {
      const v = r as ResourceOf<'CarePlan'>
      return str(v.created) ?? str(obj(v.period)?.start)
    }
    case 'Encounter': {
      const v = r as ResourceOf<'Encounter'>
      return str(obj(v.period)?.start)
    }
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
