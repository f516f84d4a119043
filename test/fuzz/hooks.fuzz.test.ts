// Fuzzing (fast-check, bounded): arbitrary mutations of valid hook requests never produce a 5xx
// or an unhandled rejection, and every 4xx is a FHIR OperationOutcome. FUZZ_RUNS raises the
// number of runs for a longer local session (npm run fuzz).

import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import t from 'tap'
import { FIXTURES, testApp } from '../helper.js'
import { type Json, type Mutation, mutate } from './mutations.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 120)
const load = (name: string): Json => JSON.parse(readFileSync(`${FIXTURES}requests/${name}`, 'utf8')) as Json
const BASES: Array<[string, Json]> = [
  ['facet-pt-order-select', load('order-select-lumbar-diagnostic-mbb-on-apixaban.json')],
  ['facet-pt-patient-view', load('patient-view-rfa-30-days-no-pt.json')]
]

await t.test('mutated hook requests never produce a 5xx', async (t) => {
  const { app } = await testApp(t)
  let seen4xx = 0
  let seen200 = 0
  await fc.assert(fc.asyncProperty(
    fc.nat(BASES.length - 1), fc.nat(), fc.constantFrom<Mutation>('delete', 'replace', 'duplicate', 'explode'), fc.nat(), fc.nat(3),
    async (base, pathIndex, kind, pick, extra) => {
      const [service, body] = BASES[base] as [string, Json]
      let mutated = mutate(body, pathIndex, kind, pick)
      for (let i = 0; i < extra; i++) mutated = mutate(mutated, pathIndex * 31 + i * 7, kind === 'explode' ? 'replace' : kind, pick + i)
      const res = await app.inject({ method: 'POST', url: `/cds-services/${service}`, payload: JSON.stringify(mutated), headers: { 'content-type': 'application/json' } })
      if (res.statusCode >= 500) throw new Error(`5xx (${res.statusCode}) for ${kind} #${pathIndex}: ${res.body.slice(0, 300)}`)
      if (res.statusCode >= 400) {
        seen4xx++
        const outcome = res.json() as { resourceType?: string, issue?: unknown[] }
        if (outcome.resourceType !== 'OperationOutcome' || !Array.isArray(outcome.issue)) throw new Error(`4xx without OperationOutcome: ${res.body.slice(0, 200)}`)
      } else {
        seen200++
        const cards = (res.json() as { cards?: unknown }).cards
        if (!Array.isArray(cards)) throw new Error('200 without a cards array')
      }
    }), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261129) })
  t.ok(seen4xx > 0, `some mutations were rejected (${seen4xx})`)
  t.ok(seen200 > 0, `some mutations were still answered (${seen200})`)
})
