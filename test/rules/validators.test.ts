// The build's standalone validators (dist/validators.cjs) judge content exactly as validators
// compiled at start do, and are only taken when generated from the current schemas.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { compiledValidators, standaloneValidators, writeStandaloneValidators } from '../../src/rules/validators.js'
import { RULES_DIR } from '../helper.js'

// Inside the project: the generated code requires ajv's runtime from node_modules.
const dir = mkdtempSync(join(RULES_DIR, '..', 'node_modules', '.validators-test-'))
t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
const file = join(dir, 'validators.cjs')
writeStandaloneValidators(file)
const standalone = standaloneValidators(file)
const compiled = compiledValidators()

t.ok(standalone !== undefined, 'a freshly written module matches the schemas')
t.same([...(standalone ?? new Map()).keys()], [...compiled.keys()], 'the same validators')

// Real content, and content broken in the ways authors break it.
const rule = JSON.parse(readFileSync(join(RULES_DIR, 'suitability', 'SUIT-01.rule.json'), 'utf8')) as Record<string, any>
const cases = JSON.parse(readFileSync(join(RULES_DIR, 'suitability', 'SUIT-01.cases.json'), 'utf8')) as Record<string, any>
const samples: Array<[string, unknown]> = [
  ['content:rule', rule],
  ['content:rule', { ...rule, version: 1, extra: true }],
  ['content:rule', { ...rule, card: undefined }],
  ['content:cases', cases],
  ['content:cases', { ...cases, cases: [{ name: 'x', now: 'not a date' }] }],
  ['content:parameters', JSON.parse(readFileSync(join(RULES_DIR, 'parameters.json'), 'utf8'))],
  ['content:services', { services: [{ id: 'x' }] }],
  ['content:valueset', { id: 7 }],
  ['params:conditionPresent', { valueset: 'malignancy' }],
  ['params:conditionPresent', { valueset: 3, other: true }]
]
for (const f of readdirSync(join(RULES_DIR, 'valuesets')).slice(0, 5)) samples.push(['content:valueset', JSON.parse(readFileSync(join(RULES_DIR, 'valuesets', f), 'utf8'))])
let invalid = 0
for (const [key, data] of samples) {
  const a = standalone?.get(key)
  const b = compiled.get(key)
  if (a === undefined || b === undefined) { t.fail(`no validator ${key}`); continue }
  const okA = a(data)
  const okB = b(data)
  if (!okB) invalid++
  t.equal(okA, okB, `${key}: same verdict`)
  t.same(a.errors ?? null, b.errors ?? null, `${key}: same errors`)
}
t.ok(invalid >= 5, 'the samples include invalid content')

await t.test('a module from other schemas is not taken', async (t) => {
  const stale = join(dir, 'stale.cjs')
  writeFileSync(stale, readFileSync(file, 'utf8').replace(/exports\.hash = "[0-9a-f]+"/, 'exports.hash = "0"'))
  t.equal(standaloneValidators(stale), undefined)
  t.equal(standaloneValidators(join(dir, 'missing.cjs')), undefined)
})
