// Hook context validation beyond the envelope schema: the fields each hook requires (Hook
// Library STU1), read tolerantly (`patientId` as `Patient/x`, draftOrders Bundle without type).

import { DomainError, type IssueLocation } from '../errors.js'
import { type Resource, isResource, obj } from '../fhir/resource.js'
import type { HookName } from '../rules/types.js'

export interface HookContext {
  patientId: string
  userId?: string
  encounterId?: string
  draftOrders: Resource[]
  selections: string[]
}

const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/

export function readContext (hook: HookName, context: Record<string, unknown>): HookContext {
  const issues: IssueLocation[] = []
  const bad = (expression: string, diagnostics: string): void => { issues.push({ expression, diagnostics }) }

  let patientId = typeof context.patientId === 'string' ? context.patientId.replace(/^Patient\//, '') : undefined
  if (context.patientId === undefined) bad('context.patientId', 'context.patientId is required')
  else if (patientId === undefined || !ID_RE.test(patientId)) { bad('context.patientId', 'context.patientId must be a FHIR id (or Patient/<id>)'); patientId = undefined }
  if (context.userId === undefined) bad('context.userId', `context.userId is required for ${hook}`)
  else if (typeof context.userId !== 'string' || !context.userId.includes('/')) bad('context.userId', 'context.userId must be a reference such as Practitioner/123')
  if (context.encounterId !== undefined && typeof context.encounterId !== 'string') bad('context.encounterId', 'context.encounterId must be a string')

  const draftOrders: Resource[] = []
  const selections: string[] = []
  if (hook !== 'patient-view') {
    const bundle = obj(context.draftOrders)
    if (context.draftOrders === undefined) bad('context.draftOrders', `context.draftOrders is required for ${hook}`)
    else if (bundle === undefined || bundle.resourceType !== 'Bundle') bad('context.draftOrders', 'context.draftOrders must be a FHIR Bundle')
    else if (bundle.entry !== undefined && !Array.isArray(bundle.entry)) bad('context.draftOrders.entry', 'Bundle.entry must be an array')
    else {
      (bundle.entry as unknown[] | undefined ?? []).forEach((e, i) => {
        const resource = obj(e)?.resource
        if (isResource(resource)) draftOrders.push(resource)
        else bad(`context.draftOrders.entry[${i}].resource`, 'each entry must hold a FHIR resource with a resourceType')
      })
    }
    if (hook === 'order-select') {
      if (context.selections === undefined) bad('context.selections', 'context.selections is required for order-select')
      else if (!Array.isArray(context.selections) || !context.selections.every((s) => typeof s === 'string')) bad('context.selections', 'context.selections must be an array of Type/id references')
      else selections.push(...context.selections as string[])
    }
  }
  if (issues.length > 0) throw new DomainError('invalid-request', issues.map((i) => i.diagnostics).join('; '), issues)
  return {
    patientId: patientId as string,
    ...(typeof context.userId === 'string' ? { userId: context.userId } : {}),
    ...(typeof context.encounterId === 'string' ? { encounterId: context.encounterId } : {}),
    draftOrders,
    selections
  }
}
