import t from 'tap'
import { evaluationTime } from '../../src/fhir/dates.js'
import { EvaluationRecord } from '../../src/fhir/record.js'
import type { Resource } from '../../src/fhir/resource.js'
import { bundledCatalog, NOW } from '../helper.js'

const LOINC = 'http://loinc.org'
const obs = (id: string, code: string, patient = 'p1'): Resource => ({ resourceType: 'Observation', id, status: 'final', subject: { reference: `Patient/${patient}` }, code: { coding: [{ system: LOINC, code }] } })

await t.test('the record indexes once and never mutates its input', async (t) => {
  const resources: Resource[] = [
    { resourceType: 'Patient', id: 'p1' },
    { resourceType: 'Patient', id: 'p2' },
    obs('o1', '72514-3'),
    obs('o1', '72514-3'),
    obs('o2', '8310-5'),
    obs('o3', '72514-3', 'p2'),
    { ...obs('o4', '72514-3'), subject: { reference: 'http://ehr.example/fhir/Patient/p1/_history/3' } },
    { resourceType: 'Medication', id: 'med1' }
  ]
  const frozen = JSON.stringify(resources)
  const record = new EvaluationRecord({ patientId: 'p1', resources, draftOrders: [], selections: [], unavailableTypes: new Set(), time: evaluationTime(NOW) })
  t.equal(record.patient?.id, 'p1')
  t.equal(record.otherPatientDropped, 2, 'another patient and their observation are dropped')
  t.equal(record.ofType('Observation').length, 3, 'de-duplicated by type/id')
  const pain = bundledCatalog().valueSets.get('pain-scores')
  t.ok(pain !== undefined)
  t.same(record.coded('Observation', pain!).map((c) => c.resource.id).sort(), ['o1', 'o4'], 'code lookup via the index')
  t.equal(record.resolve('Medication/med1')?.id, 'med1')
  t.equal(JSON.stringify(resources), frozen, 'input untouched')
})

await t.test('order-select evaluates only the selected draft orders', async (t) => {
  const orders: Resource[] = [
    { resourceType: 'ServiceRequest', id: 'a', status: 'draft' },
    { resourceType: 'ServiceRequest', id: 'b', status: 'draft' }
  ]
  const record = new EvaluationRecord({ patientId: 'p1', resources: [], draftOrders: orders, selections: ['ServiceRequest/b'], unavailableTypes: new Set(), time: evaluationTime(NOW) })
  t.same(record.activeOrders.map((r) => r.id), ['b'])
  t.ok(record.isDraftOrder(orders[0] as Resource))
})
