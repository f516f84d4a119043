// The two-pass run (gates first, whole trees only where the gate held) must decide exactly what
// one json-rules-engine pass over every whole tree decides. Checked on every scenario and
// request fixture, variant by variant, against a plain single-pass Engine over the same facts.

import { readdirSync, readFileSync } from 'node:fs'
import { Engine } from 'json-rules-engine'
import t from 'tap'
import { evaluateHook } from '../../src/cds/evaluate.js'
import { explainRun } from '../../src/cds/explain.js'
import type { HookRequest } from '../../src/cds/types.js'
import type { ValueSet } from '../../src/fhir/valueset.js'
import { bundledCatalog, FIXTURES } from '../helper.js'

const catalog = bundledCatalog()
const profile = catalog.profiles.get(catalog.defaultProfile)
if (profile === undefined) throw new Error('no default profile')
const valueSet = (id: string): ValueSet => {
  const vs = catalog.valueSets.get(id)
  if (vs === undefined) throw new Error(`value set ${id}`)
  return vs
}

const inputs: Array<{ name: string, service: string, now: string, request: HookRequest }> = []
for (const f of readdirSync(`${FIXTURES}scenarios`).filter((n) => n.endsWith('.json'))) {
  const s = JSON.parse(readFileSync(`${FIXTURES}scenarios/${f}`, 'utf8')) as { service: string, now?: string, request: HookRequest }
  inputs.push({ name: f, service: s.service, now: s.now ?? '2026-11-29T10:00:00Z', request: s.request })
}
for (const f of readdirSync(`${FIXTURES}requests`).filter((n) => n.endsWith('.json'))) {
  const request = JSON.parse(readFileSync(`${FIXTURES}requests/${f}`, 'utf8')) as HookRequest
  inputs.push({ name: f, service: f.startsWith('patient-view') ? 'facet-pt-patient-view' : request.hook === 'order-sign' ? 'facet-pt-order-sign' : 'facet-pt-order-select', now: '2026-11-29T10:00:00Z', request })
}

t.ok(inputs.length >= 10, 'scenarios and request fixtures found')
let compared = 0
let gated = 0
for (const input of inputs) {
  await t.test(input.name, async (t) => {
    const ev = await evaluateHook(input.service, input.request, { catalog, now: new Date(input.now), newId: () => 'id', profile: profile.name })
    for (const o of ev.run.outcomes) {
      if (o.outcome !== 'fired' && o.outcome !== 'not-fired' && o.outcome !== 'suppressed') continue
      const engine = new Engine([], { allowUndefinedFacts: false })
      for (const id of o.variant.engineCalls) {
        const call = profile.calls.get(id)
        if (call === undefined) throw new Error(`call ${id}`)
        const context = { record: ev.record, order: o.order, valueSet, parameters: profile.parameters }
        engine.addFact(id, () => profile.facts.get(call.fact)?.compute(context, call.params ?? {}))
      }
      engine.addRule({ name: o.key, conditions: o.variant.engineConditions as never, event: { type: o.key } })
      const { results } = await engine.run()
      t.equal(o.outcome !== 'not-fired', results.length === 1, `${o.key}: ${o.outcome}`)
      compared++
      if (o.variant.engineGate !== undefined) gated++
    }
  })
}
await t.test('explain: a variant whose gate failed shows every condition, only the gate evaluated', async (t) => {
  let seen = 0
  for (const input of inputs) {
    const ev = await evaluateHook(input.service, input.request, { catalog, now: new Date(input.now), newId: () => 'id', profile: profile.name })
    const explained = explainRun(ev.run)
    ev.run.outcomes.forEach((o, i) => {
      const evaluated = (o.conditions as { all?: unknown[] } | undefined)?.all?.filter((c) => c !== undefined).length
      const gate = o.variant.engineGateIndex
      if (o.outcome !== 'not-fired' || gate === undefined || evaluated !== 1) return
      const conditions = explained.variants[i]?.conditions ?? []
      const leaves = JSON.stringify(o.variant.conditions).match(/"fact":/g)?.length ?? 0
      t.equal(conditions.length, leaves, `${o.key}: every leaf listed`)
      const inGate = (pointer: string): boolean => pointer === `/all/${gate}` || pointer.startsWith(`/all/${gate}/`)
      t.equal(conditions.find((c) => inGate(c.pointer))?.result, false, `${o.key}: the gate failed`)
      t.ok(conditions.filter((c) => inGate(c.pointer)).some((c) => typeof c.result === 'boolean'), `${o.key}: the gate evaluated`)
      t.ok(conditions.filter((c) => !inGate(c.pointer)).every((c) => c.result === undefined && !('factResult' in c)), `${o.key}: the rest not evaluated`)
      seen++
    })
  }
  t.ok(seen >= 10, `checked ${seen} gate-failed variants`)
})

t.teardown(() => { console.log(`# compared ${compared} variant outcomes (${gated} with a gate)`) })
