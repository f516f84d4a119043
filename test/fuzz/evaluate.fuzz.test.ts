// Fuzzing /evaluate (fast-check, bounded): mutated FHIR Bundles — dropped, duplicated and
// retyped members, dangling references, unknown resource types, deep nesting, thousands of
// entries — never produce a 5xx, and every 4xx is an OperationOutcome.

import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import t from 'tap'
import { FIXTURES, testApp } from '../helper.js'
import { type Json, type Mutation, mutate } from './mutations.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 100)
const transaction = JSON.parse(readFileSync(`${FIXTURES}bundles/transaction-urn-uuid-contained.json`, 'utf8')) as Json
const request = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
// A collection Bundle holding the same record as the order-select fixture, the order as a draft.
const collection: Json = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    { resource: request.prefetch.patient },
    ...Object.values(request.prefetch as Record<string, any>).flatMap((v) => v?.resourceType === 'Bundle' ? v.entry : []),
    ...request.context.draftOrders.entry
  ]
} as Json
const BASES: Json[] = [transaction, collection]

await t.test('mutated bundles never produce a 5xx from /evaluate', async (t) => {
  const { app } = await testApp(t)
  let rejected = 0
  let answered = 0
  await fc.assert(fc.asyncProperty(
    fc.nat(BASES.length - 1), fc.nat(), fc.constantFrom<Mutation>('delete', 'replace', 'duplicate', 'explode'), fc.nat(), fc.boolean(),
    async (base, pathIndex, kind, pick, explain) => {
      const body = mutate(BASES[base] as Json, pathIndex, kind, pick)
      const res = await app.inject({ method: 'POST', url: `/evaluate?now=2026-11-29T10:00:00Z${explain ? '&explain=true' : ''}`, payload: JSON.stringify(body), headers: { 'content-type': 'application/fhir+json' } })
      if (res.statusCode >= 500) throw new Error(`5xx (${res.statusCode}) for ${kind} #${pathIndex}: ${res.body.slice(0, 300)}`)
      if (res.statusCode >= 400) {
        rejected++
        const outcome = res.json() as { resourceType?: string, issue?: unknown[] }
        if (outcome.resourceType !== 'OperationOutcome' || !Array.isArray(outcome.issue)) throw new Error(`4xx without OperationOutcome: ${res.body.slice(0, 200)}`)
      } else {
        answered++
        if (!Array.isArray((res.json() as { cards?: unknown }).cards)) throw new Error('200 without cards')
      }
    }), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 29112026) })
  t.ok(rejected > 0, `some mutations were rejected (${rejected})`)
  t.ok(answered > 0, `some mutations were still answered (${answered})`)
})
