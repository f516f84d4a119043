// One medication-matching mechanism (CLINICAL.md §5 MEDICATION MATCH, FHIR-DATA.md "Medications")
// for every fact that reads medications and for injectate codes. Order: an ingredient code of the
// value set → a product (SCD/SBD) code listed in the value set (`properties.ingredient`) → the
// referenced or contained Medication (`code`, then `ingredient[].itemCodeableConcept` /
// `itemReference`, followed one level) → name fallback: an ingredient or listed brand name as a
// whole word, case-insensitive, in a coding `display` or the `text`, only when no coding matched
// by code. Never used for the `code` of Conditions, Observations or Procedures. Pure.

import { type Resource, obj, str } from './resource.js'
import { type Coding, type ConceptMatch, type ValueSet, type ValueSetConcept, asArray } from './valueset.js'

export type MatchBasis = 'code' | 'product' | 'reference' | 'name'

export interface MedicationMatch {
  /** The value set's ingredient concept (its properties: drug, class, hold windows …). */
  ingredient: ConceptMatch
  /** Ingredient name to show: `properties.drug`, else the concept display. */
  drug: string
  basis: MatchBasis
  /** The text that matched: the coding display/code, or for `name` the display/text read. */
  text: string
}

/** Resolves `Medication/<id>` or `#id` references (the evaluation record provides this). */
export interface ReferenceResolver { resolve: (reference: string) => Resource | undefined }

interface NameEntry { concept: ValueSetConcept, patterns: RegExp[], excludes: RegExp[] }

const NAME_INDEX = new WeakMap<ValueSet, NameEntry[]>()

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
/** Whole word: bounded by the start/end of the text or a character that is not a letter or digit. */
const wholeWord = (word: string): RegExp => new RegExp(`(?:^|[^\\p{L}\\p{N}])${escape(word)}(?:$|[^\\p{L}\\p{N}])`, 'iu')

function isProduct (c: ValueSetConcept): boolean {
  return typeof c.properties?.ingredient === 'string'
}

function nameIndex (vs: ValueSet): NameEntry[] {
  let index = NAME_INDEX.get(vs)
  if (index === undefined) {
    index = vs.concepts.filter((c) => !isProduct(c)).map((concept) => {
      const drug = concept.properties?.drug
      const words = new Set([concept.display, ...(typeof drug === 'string' ? [drug] : []), ...(concept.brandNames ?? [])]
        .filter((w): w is string => typeof w === 'string' && w.trim().length >= 2).map((w) => w.trim().toLowerCase()))
      return { concept, patterns: [...words].map(wholeWord), excludes: (concept.nameExcludes ?? []).map(wholeWord) }
    })
    NAME_INDEX.set(vs, index)
  }
  return index
}

function conceptMatch (c: ValueSetConcept): ConceptMatch {
  return { system: c.system, code: c.code, display: c.display ?? c.code, properties: c.properties ?? {} }
}

function drugName (m: ConceptMatch): string {
  return typeof m.properties.drug === 'string' ? m.properties.drug : m.display
}

/** A coding matched by code: an ingredient concept, or a listed product rolled up to its ingredient. */
function codeMatch (coding: Coding, vs: ValueSet): { ingredient: ConceptMatch, product: boolean } | undefined {
  const hit = vs.matchCoding(coding)
  if (hit === undefined) return undefined
  const ingredient = hit.properties.ingredient
  if (typeof ingredient !== 'string') return { ingredient: hit, product: false }
  const parent = vs.matchCoding({ system: hit.system, code: ingredient })
  return parent === undefined || typeof parent.properties.ingredient === 'string' ? undefined : { ingredient: parent, product: true }
}

function codings (concept: unknown): Coding[] {
  const out: Coding[] = []
  for (const raw of asArray(obj(concept)?.coding as unknown[])) {
    const c = obj(raw)
    if (c !== undefined) out.push({ system: str(c.system), code: str(c.code), display: str(c.display) })
  }
  return out
}

function byCode (concepts: readonly unknown[], vs: ValueSet, viaReference: boolean): MedicationMatch | undefined {
  for (const concept of concepts) {
    for (const coding of codings(concept)) {
      const m = codeMatch(coding, vs)
      if (m === undefined) continue
      const basis: MatchBasis = viaReference ? 'reference' : m.product ? 'product' : 'code'
      return {
        ingredient: m.ingredient,
        drug: drugName(m.ingredient),
        basis,
        text: str(coding.display) ?? String(coding.code)
      }
    }
  }
  return undefined
}

function byName (concepts: readonly unknown[], vs: ValueSet): MedicationMatch | undefined {
  const index = nameIndex(vs)
  for (const concept of concepts) {
    const texts = [
      ...codings(concept).map((c) => str(c.display)),
      str(obj(concept)?.text)
    ].filter((t): t is string => t !== undefined)
    for (const text of texts) {
      const entry = index.find((e) => e.patterns.some((p) => p.test(text)) && !e.excludes.some((x) => x.test(text)))
      if (entry !== undefined) {
        const ingredient = conceptMatch(entry.concept)
        return { ingredient, drug: drugName(ingredient), basis: 'name', text }
      }
    }
  }
  return undefined
}

/**
 * Matches one or more CodeableConcepts (e.g. `Procedure.usedCode`, `ServiceRequest.orderDetail`)
 * against a medication value set: by ingredient or listed product code first, else by name.
 */
export function matchMedicationConcept (concept: unknown, vs: ValueSet): MedicationMatch | undefined {
  const concepts = asArray(concept)
  return byCode(concepts, vs, false) ?? byName(concepts, vs)
}

/** The concepts of a Medication: its `code`, then each ingredient item (an itemReference followed one level). */
function medicationConcepts (med: Resource, resolver: ReferenceResolver | undefined, depth: number): unknown[] {
  const out: unknown[] = [med.code]
  for (const ing of asArray(med.ingredient as unknown[])) {
    const item = obj(ing)
    if (item?.itemCodeableConcept !== undefined) out.push(item.itemCodeableConcept)
    const ref = str(obj(item?.itemReference)?.reference)
    const inner = ref === undefined || depth > 0 ? undefined : resolveIn(med, ref, resolver)
    if (inner !== undefined && inner.resourceType === 'Medication') out.push(...medicationConcepts(inner, resolver, depth + 1))
  }
  return out
}

/** `#id` in the referencing resource's own `contained[]` first, then the record. */
function resolveIn (
  holder: Resource,
  reference: string,
  resolver: ReferenceResolver | undefined
): Resource | undefined {
  if (reference.startsWith('#')) {
    const id = reference.slice(1)
    const local = asArray(holder.contained as unknown[]).map((c) => obj(c)).find((c) => c?.id === id)
    if (local !== undefined && typeof local.resourceType === 'string') return local as Resource
  }
  return resolver?.resolve(reference)
}

/**
 * Matches a MedicationRequest / MedicationStatement / MedicationAdministration / MedicationDispense
 * (its `medicationCodeableConcept`, or the Medication its `medicationReference` points at).
 */
export function matchMedication (r: Resource, vs: ValueSet, resolver?: ReferenceResolver): MedicationMatch | undefined {
  const inline = r.medicationCodeableConcept === undefined ? [] : [r.medicationCodeableConcept]
  const ref = str(obj(r.medicationReference)?.reference)
  const med = ref === undefined ? undefined : resolveIn(r, ref, resolver)
  const referenced = med !== undefined && med.resourceType === 'Medication' ? medicationConcepts(med, resolver, 0) : []
  const display = str(obj(r.medicationReference)?.display)
  return byCode(inline, vs, false) ?? byCode(referenced, vs, true) ??
    byName([...inline, ...referenced, ...(display === undefined ? [] : [{ text: display }])], vs)
}

/** "apixaban (matched by name: 'Eliquis 5mg')" for a name match, else the drug name. */
export function describeMatch (m: MedicationMatch): string {
  return m.basis === 'name' ? `${m.drug} (matched by name: '${m.text}')` : m.drug
}
