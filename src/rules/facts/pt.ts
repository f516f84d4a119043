// Physical-therapy activity as FHIR-DATA.md defines it: completed PT Procedures, PT
// ServiceRequests (draft, active or completed) and PT Appointments that are not cancelled.

import { dayNumber } from '../../fhir/dates.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import { type Resource, clinicalDate } from '../../fhir/resource.js'
import type { ValueSet } from '../../fhir/valueset.js'

export type PtKind = 'evaluation' | 're-evaluation' | 'treatment' | 'referral' | 'appointment'
export interface PtRecord { resource: Resource, kind: PtKind, day: number, status: string }

const REFERRAL_STATUSES = new Set(['draft', 'active', 'completed'])
const APPOINTMENT_STATUSES = new Set(['proposed', 'pending', 'booked', 'arrived', 'fulfilled', 'checked-in'])

export function ptActivity (record: EvaluationRecord, valueSet: (id: string) => ValueSet): PtRecord[] {
  return record.remember('pt-activity', () => {
    const out: PtRecord[] = []
    const push = (resource: Resource, kind: PtKind): void => {
      const day = dayNumber(clinicalDate(resource))
      if (day !== undefined) out.push({ resource, kind, day, status: String(resource.status) })
    }
    const procedures: Array<[string, PtKind]> = [['pt-evaluation', 'evaluation'], ['pt-reevaluation', 're-evaluation'], ['pt-treatment', 'treatment']]
    for (const [vs, kind] of procedures) {
      for (const { resource } of record.coded('Procedure', valueSet(vs))) {
        if (resource.status === 'completed') push(resource, kind)
      }
    }
    const seen = new Set<Resource>()
    for (const vs of ['pt-referral', 'pt-evaluation']) {
      for (const { resource } of record.coded('ServiceRequest', valueSet(vs))) {
        const referred = REFERRAL_STATUSES.has(String(resource.status))
        if (seen.has(resource) || record.isDraftOrder(resource) || !referred) continue
        seen.add(resource)
        push(resource, 'referral')
      }
    }
    for (const vs of ['pt-evaluation', 'pt-treatment', 'pt-referral']) {
      for (const { resource } of record.coded('Appointment', valueSet(vs))) {
        if (seen.has(resource) || !APPOINTMENT_STATUSES.has(String(resource.status))) continue
        seen.add(resource)
        push(resource, 'appointment')
      }
    }
    return out.sort((a, b) => a.day - b.day)
  })
}
