// Reads a plain FHIR Bundle (one patient's record, orders being placed as draft requests) into
// evaluateRecord() inputs: the one Patient, its fullUrl aliases, urn:uuid references, drafts.

import { DomainError, type IssueLocation } from '../errors.js'
import { type Resource, isResource, obj, str } from '../fhir/resource.js'

export const BUNDLE_TYPES = ['collection', 'transaction', 'searchset', 'document', 'batch'] as const
const DRAFT_TYPES = new Set(['ServiceRequest', 'MedicationRequest', 'DeviceRequest', 'NutritionOrder', 'VisionPrescription'])
const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/
const UUID_URN = /^urn:uuid:([0-9a-fA-F-]{1,64})$/

export interface BundleRecord {
  patientId: string
  /** Every resource of the bundle except the draft orders (resources without id get one from fullUrl). */
  resources: Resource[]
  /** Requests with status draft: the orders being placed. */
  drafts: Resource[]
  patientAliases: string[]
  references: Array<readonly [string, Resource]>
  bundleType: string
  entries: number
}

export function isDraftRequest (r: Resource): boolean {
  return DRAFT_TYPES.has(r.resourceType) && r.status === 'draft'
}

function fail (message: string, issues: IssueLocation[]): never {
  throw new DomainError('invalid-bundle', message, issues)
}

/** Validates the Bundle envelope and entries; every problem is located (`Bundle.entry[3].resource`). */
export function readBundle (body: unknown): BundleRecord {
  const bundle = obj(body)
  if (bundle === undefined) fail('the body must be a FHIR Bundle (a JSON object)', [{ expression: 'Bundle', diagnostics: 'the body must be a JSON object with resourceType "Bundle"' }])
  if (bundle.resourceType !== 'Bundle') {
    fail('the body is not a Bundle', [{ expression: 'resourceType', diagnostics: `resourceType must be "Bundle", got ${JSON.stringify(bundle.resourceType ?? null)}; wrap the resources in a collection Bundle` }])
  }
  const type = str(bundle.type)
  if (type === undefined || !(BUNDLE_TYPES as readonly string[]).includes(type)) {
    fail('unsupported Bundle.type', [{ expression: 'Bundle.type', diagnostics: `Bundle.type must be one of ${BUNDLE_TYPES.join(', ')}; got ${JSON.stringify(bundle.type ?? null)}` }])
  }
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) fail('Bundle.entry must be an array', [{ expression: 'Bundle.entry', diagnostics: 'Bundle.entry must be an array of entries' }])
  const issues: IssueLocation[] = []
  const entries: Array<{ resource: Resource, fullUrl: string | undefined, index: number }> = []
  ;(bundle.entry as unknown[] | undefined ?? []).forEach((e, index) => {
    const entry = obj(e)
    if (entry === undefined) { issues.push({ expression: `Bundle.entry[${index}]`, diagnostics: 'each entry must be an object' }); return }
    if (entry.resource === undefined && entry.request !== undefined) return // e.g. a transaction DELETE: no data
    if (!isResource(entry.resource)) { issues.push({ expression: `Bundle.entry[${index}].resource`, diagnostics: 'each entry must hold a FHIR resource with a resourceType' }); return }
    if (entry.fullUrl !== undefined && typeof entry.fullUrl !== 'string') { issues.push({ expression: `Bundle.entry[${index}].fullUrl`, diagnostics: 'fullUrl must be a string' }); return }
    entries.push({ resource: entry.resource, fullUrl: str(entry.fullUrl), index })
  })
  if (issues.length > 0) fail(`${issues.length} bad Bundle entr${issues.length === 1 ? 'y' : 'ies'}`, issues)

  const patients = entries.filter((e) => e.resource.resourceType === 'Patient')
  if (patients.length === 0) {
    fail('the Bundle holds no Patient', [{ expression: 'Bundle.entry', diagnostics: `the Bundle must hold exactly one Patient resource (the record's subject); it holds none among ${entries.length} entries` }])
  }
  if (patients.length > 1) {
    fail(`the Bundle holds ${patients.length} Patients`, patients.map((p) => ({
      expression: `Bundle.entry[${p.index}].resource`,
      diagnostics: `the Bundle must hold exactly one Patient; found ${patients.length} (Patient/${str(p.resource.id) ?? '?'}). Evaluate one patient's record per call`
    })))
  }
  const patientEntry = patients[0] as (typeof patients)[number]
  const rawId = str(patientEntry.resource.id)
  if (rawId !== undefined && !ID_RE.test(rawId)) {
    fail('the Patient id is not a FHIR id', [{ expression: `Bundle.entry[${patientEntry.index}].resource.id`, diagnostics: 'Patient.id must match [A-Za-z0-9-.]{1,64}' }])
  }

  const resources: Resource[] = []
  const drafts: Resource[] = []
  const references: Array<readonly [string, Resource]> = []
  let patientId = ''
  const patientAliases: string[] = []
  for (const { resource, fullUrl } of entries) {
    // A resource without id takes the id of its urn:uuid fullUrl (a copy; the input is not mutated).
    let r = resource
    const uuid = fullUrl === undefined ? undefined : UUID_URN.exec(fullUrl)?.[1]
    if (str(r.id) === undefined && uuid !== undefined) r = { ...r, id: uuid }
    if (resource === patientEntry.resource) {
      if (str(r.id) === undefined) r = { ...r, id: 'bundle-patient' }
      patientId = r.id as string
      if (fullUrl !== undefined) patientAliases.push(fullUrl)
    }
    if (fullUrl !== undefined) references.push([fullUrl, r])
    if (isDraftRequest(r)) drafts.push(r); else resources.push(r)
  }
  return { patientId, resources, drafts, patientAliases, references, bundleType: type, entries: entries.length }
}
