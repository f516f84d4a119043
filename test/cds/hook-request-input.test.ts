// The shared reader of captured CDS Hooks requests: told apart from Bundles, validated as the hook
// route validates (located issues), the answering service chosen, absent prefetch keys listed.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { absentPrefetchKeys, isHookRequest, readHookRequest, serviceForRequest } from '../../src/cds/hook-request-input.js'
import { DomainError } from '../../src/errors.js'
import { FIXTURES, bundledCatalog } from '../helper.js'

const ORDER = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const catalog = bundledCatalog()

await t.test('isHookRequest: a hook, and not a FHIR resource', async (t) => {
  t.ok(isHookRequest(ORDER))
  t.ok(isHookRequest({ hook: 'patient-view', context: 5 }), 'malformed, but meant as a request: readHookRequest locates the fault')
  t.notOk(isHookRequest({ resourceType: 'Bundle', type: 'collection', hook: 'x', context: {} }))
  t.ok(isHookRequest({ hook: 'patient-view' }), 'no context: still meant as a request (readHookRequest says what is missing)')
  t.notOk(isHookRequest({ context: {} }))
  t.notOk(isHookRequest([ORDER]))
  t.notOk(isHookRequest(null))
})

await t.test('readHookRequest: valid as is, else every fault located', async (t) => {
  t.equal(readHookRequest(ORDER), ORDER, 'returned unchanged (nothing coerced or removed)')
  const faults = (body: unknown): string[] => {
    try { readHookRequest(body); return [] } catch (e) {
      t.ok(e instanceof DomainError && e.code === 'invalid-request')
      return (e as DomainError).issues.map((i) => i.diagnostics)
    }
  }
  t.same(faults({ ...ORDER, hookInstance: 7, fhirServer: 'ftp://x' }).sort(), [
    'fhirServer must match pattern "^https?://"',
    'hookInstance must be string'
  ])
  const { context: _c, ...noContext } = ORDER
  t.same(faults(noContext), ['context is required'])
  t.same(faults({ ...ORDER, prefetch: [] }), ['prefetch must be object'])
  t.same(faults('x'), ['request must be object'])
})

await t.test('serviceForRequest: named, or the one service of the hook', async (t) => {
  t.equal(serviceForRequest(catalog, { hook: 'order-select' }).id, 'facet-pt-order-select')
  t.equal(serviceForRequest(catalog, { hook: 'order-sign' }, 'facet-pt-order-sign').id, 'facet-pt-order-sign')
  t.throws(() => serviceForRequest(catalog, { hook: 'encounter-start' }), { code: 'invalid-request', issues: [{ expression: 'hook' }] })
  t.throws(() => serviceForRequest(catalog, { hook: 'order-select' }, 'nope'), { code: 'unknown-service' })
})

await t.test('absentPrefetchKeys: keys not captured; null means "nothing found", not absent', async (t) => {
  const service = serviceForRequest(catalog, ORDER as { hook: string })
  t.same(absentPrefetchKeys(service, ORDER), [])
  const { devices: _d, ...rest } = ORDER.prefetch
  t.same(absentPrefetchKeys(service, { prefetch: { ...rest, allergies: null } }), ['devices'])
  t.same(absentPrefetchKeys(service, {}), Object.keys(service.prefetch))
})
