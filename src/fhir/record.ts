// The evaluation record: every resource of one call (prefetch, fetched data, draft orders),
// de-duplicated, filtered to the patient, and indexed once by type, reference and code, so that
// facts are lookups rather than scans of the whole bundle. Resources are never mutated.

import type { EvaluationTime } from './dates.js'
import { type Resource, type ResourceOf, type ResourceType, refKey, patientReferences, normaliseReference, codingCodes, isResource } from './resource.js'
import type { ValueSet, ConceptMatch } from './valueset.js'

/** Members indexed by code, per resource type (the member the rules code-match on). */
const CODE_MEMBERS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries({
  Observation: ['code'],
  Procedure: ['code'],
  Condition: ['code'],
  ServiceRequest: ['code'],
  MedicationRequest: ['medicationCodeableConcept'],
  MedicationStatement: ['medicationCodeableConcept'],
  MedicationAdministration: ['medicationCodeableConcept'],
  Appointment: ['serviceType'],
  CarePlan: ['category'],
  Device: ['type'],
  AllergyIntolerance: ['code'],
  Encounter: ['type'],
  Immunization: ['vaccineCode']
}))

export interface RecordInput {
  patientId: string
  /** Resources from prefetch and the FHIR server (any order, may repeat). */
  resources: readonly Resource[]
  /** Resources of `context.draftOrders` (order hooks) or the evaluated bundle's draft orders. */
  draftOrders: readonly Resource[]
  /** `Type/id` of the orders being selected now (order-select); empty = all draft orders. */
  selections: readonly string[]
  /** Resource types the rules must treat as unavailable (EHR error, unobtainable key). */
  unavailableTypes: ReadonlySet<string>
  time: EvaluationTime
  /** Extra `urn:uuid:` / absolute URLs that denote the patient (bundle fullUrls). */
  patientAliases?: readonly string[]
  /** Extra reference keys (e.g. a bundle entry's `urn:uuid:` fullUrl) that resolve to a resource. */
  references?: ReadonlyArray<readonly [string, Resource]>
}

export interface CodedResource<R = Resource> { resource: R, match: ConceptMatch }

export class EvaluationRecord {
  readonly patientId: string
  readonly patient: ResourceOf<'Patient'> | undefined
  readonly time: EvaluationTime
  readonly draftOrders: readonly Resource[]
  /** Draft orders being evaluated now (selected ones for order-select). */
  readonly activeOrders: readonly Resource[]
  readonly unavailableTypes: ReadonlySet<string>
  /** Number of resources dropped because they were about another patient. */
  readonly otherPatientDropped: number
  private readonly byType = new Map<string, Resource[]>()
  private readonly byRef = new Map<string, Resource>()
  private readonly byCode = new Map<string, Resource[]>()
  private readonly draftSet = new Set<Resource>()
  private readonly memo = new Map<string, unknown>()
  private readonly indexed = new Set<Resource>()
  private readonly own: ReadonlySet<string>

  constructor (input: RecordInput) {
    this.patientId = input.patientId
    this.time = input.time
    this.unavailableTypes = input.unavailableTypes
    this.own = new Set([`Patient/${input.patientId}`, ...(input.patientAliases ?? [])])
    let dropped = 0
    const accept = (r: Resource): boolean => {
      if (r.resourceType === 'OperationOutcome' || r.resourceType === 'Bundle') return false
      if (r.resourceType === 'Patient' ? r.id !== input.patientId : this.aboutAnotherPatient(r)) { dropped++; return false }
      return true
    }
    const drafts: Resource[] = []
    for (const r of input.draftOrders) {
      if (!accept(r)) continue
      drafts.push(r)
      this.draftSet.add(r)
      this.add(r)
    }
    for (const r of input.resources) {
      if (accept(r)) this.add(r)
    }
    for (const [ref, r] of input.references ?? []) {
      if (!this.byRef.has(ref) && this.indexed.has(r)) this.byRef.set(ref, r)
    }
    this.otherPatientDropped = dropped
    this.draftOrders = drafts
    const selected = new Set(input.selections.map(normaliseReference))
    this.activeOrders = selected.size === 0 ? drafts : drafts.filter((r) => selected.has(refKey(r) ?? ''))
    this.patient = (this.byRef.get(`Patient/${input.patientId}`) as ResourceOf<'Patient'> | undefined) ?? this.ofType('Patient')[0]
  }

  private add (r: Resource): void {
    const key = refKey(r)
    if (key !== undefined) {
      if (this.byRef.has(key)) return // de-duplicated by type/id: first wins (draft orders first)
      this.byRef.set(key, r)
    }
    let list = this.byType.get(r.resourceType)
    if (list === undefined) this.byType.set(r.resourceType, list = [])
    list.push(r)
    this.indexed.add(r)
    this.indexCodes(r)
    this.addContained(r)
  }

  /** True when the resource names a patient and none of its patient references is ours. */
  private aboutAnotherPatient (r: Resource): boolean {
    // Fast path: the usual `subject: {reference: "Patient/<id>"}` and no other patient member.
    const subject = (r.subject as { reference?: unknown } | undefined)?.reference
    if (typeof subject === 'string' && this.own.has(subject) && r.patient === undefined) return false
    const refs = patientReferences(r)
    return refs.length > 0 && !refs.some((ref) => this.own.has(ref) || this.own.has(normaliseReference(ref)))
  }

  /** Contained resources are indexed by type and code, and resolve as `#id` (first wins). */
  private addContained (r: Resource): void {
    if (!Array.isArray(r.contained)) return
    for (const c of r.contained as unknown[]) {
      if (!isResource(c)) continue
      const inner = c
      if (inner.resourceType === 'Patient' || inner.resourceType === 'Bundle') continue
      if (this.aboutAnotherPatient(inner)) continue
      if (typeof inner.id === 'string' && inner.id !== '' && !this.byRef.has(`#${inner.id}`)) this.byRef.set(`#${inner.id}`, inner)
      let list = this.byType.get(inner.resourceType)
      if (list === undefined) this.byType.set(inner.resourceType, list = [])
      list.push(inner)
      this.indexCodes(inner)
    }
  }

  private indexCodes (r: Resource): void {
    for (const member of CODE_MEMBERS.get(r.resourceType) ?? []) {
      for (const { system, code } of codingCodes(r[member])) {
        const k = `${r.resourceType}|${system}|${code}`
        let hits = this.byCode.get(k)
        if (hits === undefined) this.byCode.set(k, hits = [])
        // A resource's codings are indexed together, so a repeated coding is the last entry.
        if (hits[hits.length - 1] !== r) hits.push(r)
      }
    }
  }

  /** Resources of one type; an R4 type name gives them that type's member names (`ResourceOf`). */
  ofType<K extends ResourceType> (type: K): ReadonlyArray<ResourceOf<K>>
  ofType (type: string): readonly Resource[]
  ofType (type: string): readonly Resource[] {
    return this.byType.get(type) ?? []
  }

  resolve (reference: string): Resource | undefined {
    return this.byRef.get(normaliseReference(reference))
  }

  isDraftOrder (r: Resource): boolean {
    return this.draftSet.has(r)
  }

  isAvailable (type: string): boolean {
    return !this.unavailableTypes.has(type)
  }

  /**
   * Resources of `type` whose indexed code member matches the value set, with the matching
   * concept. Exact codes are index lookups; prefix families scan only resources of that type.
   */
  coded<K extends ResourceType> (type: K, vs: ValueSet): ReadonlyArray<CodedResource<ResourceOf<K>>>
  coded (type: string, vs: ValueSet): readonly CodedResource[]
  coded (type: string, vs: ValueSet): readonly CodedResource[] {
    return this.remember(`coded|${type}|${vs.id}`, () => {
      const members = CODE_MEMBERS.get(type) ?? ['code']
      const out: CodedResource[] = []
      const seen = new Set<Resource>()
      const consider = (r: Resource): void => {
        if (seen.has(r)) return
        seen.add(r)
        for (const m of members) {
          const match = vs.match(r[m])
          if (match !== undefined) { out.push({ resource: r, match }); return }
        }
      }
      if (vs.hasPrefixes) {
        for (const r of this.ofType(type)) consider(r)
      } else {
        for (const key of vs.keys) for (const r of this.byCode.get(`${type}|${key}`) ?? []) consider(r)
      }
      return out
    })
  }

  /** Per-call memo: a computation keyed by name runs at most once per record. */
  remember<T> (key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T
    const value = compute()
    this.memo.set(key, value)
    return value
  }

  get size (): number {
    return this.byRef.size
  }
}
