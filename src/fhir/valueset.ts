// Code matching against value-set data files (rules/valuesets/*.json). Codes are matched on
// system + code, never on display text; ICD-10-CM families may be listed as prefixes.

import type { CodeableConcept, Coding } from 'fhir/r4.js'

export type Evidence = 'V' | 'S' | 'U' | 'D'
export type PropertyValue = string | number | boolean

export interface ValueSetConcept {
  system: string
  code: string
  display?: string
  evidence?: Evidence
  note?: string
  properties?: Record<string, PropertyValue>
  /** Medication value sets: brand names for the name fallback (src/fhir/medication-match.ts). */
  brandNames?: string[]
  /** Medication value sets: whole words that stop a name match (e.g. heparin "flush", "lock"). */
  nameExcludes?: string[]
}

export interface ValueSetPrefix {
  system: string
  prefix: string
  display?: string
  evidence?: Evidence
  note?: string
  properties?: Record<string, PropertyValue>
}

export interface ValueSetFile {
  id: string
  title: string
  description?: string
  source?: string
  concepts: ValueSetConcept[]
  prefixes?: ValueSetPrefix[]
}

// R4 datatypes (@types/fhir); values read from input are still read member by member (untrusted JSON).
export type { CodeableConcept, Coding }

export interface ConceptMatch {
  system: string
  code: string
  display: string
  properties: Record<string, PropertyValue>
}

export class ValueSet {
  readonly id: string
  readonly title: string
  readonly hasPrefixes: boolean
  /** `system|code` keys of exact concepts, for index lookups. */
  readonly keys: readonly string[]
  /** The exact concepts as listed in the file (medication matching reads names from them). */
  readonly concepts: readonly ValueSetConcept[]
  private readonly exact: Map<string, ValueSetConcept>
  private readonly prefixes: ValueSetPrefix[]

  constructor (file: ValueSetFile) {
    this.id = file.id
    this.title = file.title
    this.exact = new Map(file.concepts.map((c) => [`${c.system}|${c.code}`, c]))
    this.keys = [...this.exact.keys()]
    this.concepts = file.concepts
    this.prefixes = file.prefixes ?? []
    this.hasPrefixes = this.prefixes.length > 0
  }

  /** The matching concept for one coding, or undefined. */
  matchCoding (coding: Coding | undefined): ConceptMatch | undefined {
    if (coding === undefined || typeof coding.system !== 'string' || typeof coding.code !== 'string') return undefined
    const hit = this.exact.get(`${coding.system}|${coding.code}`)
    if (hit !== undefined) {
      return {
        system: hit.system,
        code: hit.code,
        display: hit.display ?? coding.display ?? hit.code,
        properties: hit.properties ?? {}
      }
    }
    for (const p of this.prefixes) {
      if (p.system === coding.system && coding.code.startsWith(p.prefix)) {
        return {
          system: coding.system,
          code: coding.code,
          display: coding.display ?? p.display ?? coding.code,
          properties: p.properties ?? {}
        }
      }
    }
    return undefined
  }

  /** The first matching concept among the codings of one or more CodeableConcepts. */
  match (concepts: unknown): ConceptMatch | undefined {
    for (const cc of asArray(concepts)) {
      if (cc === null || typeof cc !== 'object') continue
      for (const coding of asArray((cc as CodeableConcept).coding)) {
        const m = this.matchCoding(coding as Coding)
        if (m !== undefined) return m
      }
    }
    return undefined
  }
}

export function asArray<T> (value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}
