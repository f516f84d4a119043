// The rule schema as the editor reads it: members offered for completion, enum values, and live
// hints for unknown members and values outside an enum (the service's Validate is the full check).
import { readFileSync } from 'node:fs'
import t from 'tap'
import { enumValues, type JsonSchema, memberNames, schemaHints } from '../../src/workbench/editor-schema.js'

const schema = JSON.parse(readFileSync('schemas/rule.schema.json', 'utf8')) as JsonSchema
const rule = JSON.parse(readFileSync('rules/pt-follow-up/PT-06.rule.json', 'utf8')) as Record<string, unknown>

await t.test('members and enum values at a path, through $ref and oneOf', async (t) => {
  const top = memberNames(schema, []).map((m) => m.name)
  t.ok(['id', 'conditions', 'variants', 'card'].every((n) => top.includes(n)))
  const leaf = memberNames(schema, ['conditions', 'all', 0]).map((m) => m.name)
  t.ok(['fact', 'let', 'operator', 'all', 'any'].every((n) => leaf.includes(n)))
  t.ok(enumValues(schema, ['conditions', 'all', 0, 'operator']).includes('greaterThan'))
  t.same(enumValues(schema, ['card', 'indicator']), ['info', 'warning', 'critical'])
  t.same(enumValues(schema, ['title']), [])
})

await t.test('a rule in force has no hints; unknown members and bad enum values are located', async (t) => {
  t.same(schemaHints(schema, rule), [])
  type Rule = { conditions: { all: Array<Record<string, unknown>> }, card: Record<string, unknown> }
  const bad = structuredClone(rule) as Rule
  const first = bad.conditions.all[0] as Record<string, unknown>
  first.operator = 'equalz'
  bad.card.colour = 'red'
  t.same(schemaHints(schema, bad).map((h) => h.pointer), ['/conditions/all/0/operator', '/card/colour'])
  t.match(schemaHints(schema, bad)[1]?.message, /unknown member "colour"/)
})
