// Request bodies for the benchmarks: the ~30 KB order-select fixture, a ~300 KB variant with
// many more Observations, and the patient-view fixture.

import { readFileSync } from 'node:fs'

const read = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`../fixtures/requests/${name}`, import.meta.url), 'utf8')) as Record<string, any>

export function orderSelect30k (): string {
  return JSON.stringify(read('order-select-lumbar-diagnostic-mbb-on-apixaban.json'))
}

/** The same request with ~620 extra vital-sign Observations (the rules read few of them). */
export function orderSelect300k (): string {
  const body = read('order-select-lumbar-diagnostic-mbb-on-apixaban.json')
  const entries = body.prefetch.observations.entry as Array<{ resource: Record<string, any> }>
  const template = entries[0] as { resource: Record<string, any> }
  const extra = Array.from({ length: 620 }, (_v, i) => {
    const r = structuredClone(template.resource)
    r.id = `bulk-${i}`
    r.code = { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] }
    r.valueQuantity = { value: 60 + (i % 30), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' }
    return { fullUrl: `http://ehr.example/fhir/Observation/bulk-${i}`, resource: r, search: { mode: 'match' } }
  })
  body.prefetch.observations.entry = [...entries, ...extra]
  return JSON.stringify(body)
}

export function patientView (): string {
  return JSON.stringify(read('patient-view-rfa-30-days-no-pt.json'))
}
