// The card template of a rule file (schemas/rule.schema.json, what authors write) and the CDS card
// the service sends (src/cds/schemas.ts) share most members. Where they share one, its values
// (enums) and type must agree; members only one side has are named here, each with its reason.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { CardSchema, CardExtensionSchema } from '../../src/cds/schemas.js'
import { EVIDENCE } from '../../src/rules/types.js'
import type { JsonSchema } from '../openapi-compare.js'

const ruleSchema = JSON.parse(readFileSync(new URL('../../schemas/rule.schema.json', import.meta.url), 'utf8')) as {
  definitions: { card: JsonSchema }
  properties: { source: JsonSchema }
}

/** Members only the template has (`template`) or only the sent card has (`card`), by JSON pointer. */
const ONE_SIDED: Record<string, { template?: string[], card?: string[] }> = {
  '': { template: ['why'], card: ['uuid', 'source', 'extension'] }, // why → detail + extension; the rest are filled in
  '/suggestions/items': { card: ['uuid'] }, // given by the service
  '/suggestions/items/actions/items': { template: ['forEach'] }, // expands into one action per draft order
  '/overrideReasons/items': {} // same members: code, display, system (the template defaults system)
}

function enumOf (s: JsonSchema): string | undefined {
  const consts = s.anyOf?.every((x) => x.const !== undefined) === true ? s.anyOf.map((x) => x.const) : undefined
  const values = s.enum ?? consts
  return values === undefined ? undefined : JSON.stringify(values.map(String).sort())
}

function differences (template: JsonSchema, card: JsonSchema, pointer: string): string[] {
  const out: string[] = []
  if (enumOf(template) !== enumOf(card)) out.push(`${pointer}: enum ${enumOf(template)} in the template, ${enumOf(card)} on the card`)
  if (template.type !== undefined && card.type !== undefined && template.type !== card.type) {
    out.push(`${pointer}: type ${String(template.type)} in the template, ${String(card.type)} on the card`)
  }
  if (template.items !== undefined && card.items !== undefined) out.push(...differences(template.items, card.items, `${pointer}/items`))
  const tp = template.properties ?? {}
  const cp = card.properties ?? {}
  const expected = ONE_SIDED[pointer] ?? {}
  const only = (a: object, b: object): string[] => Object.keys(a).filter((k) => !(k in b)).sort()
  if (JSON.stringify(only(tp, cp)) !== JSON.stringify([...(expected.template ?? [])].sort())) {
    out.push(`${pointer}: members only in the template: ${only(tp, cp).join(', ')}`)
  }
  if (JSON.stringify(only(cp, tp)) !== JSON.stringify([...(expected.card ?? [])].sort())) {
    out.push(`${pointer}: members only on the card: ${only(cp, tp).join(', ')}`)
  }
  for (const [name, member] of Object.entries(tp)) {
    if (cp[name] !== undefined) out.push(...differences(member, cp[name], `${pointer}/${name}`))
  }
  return out
}

await t.test('the rule card template agrees with the CDS card on every member they share', async (t) => {
  t.same(differences(ruleSchema.definitions.card, CardSchema as unknown as JsonSchema, ''), [])
})

await t.test('the rule source evidence tags are the card extension evidence tags', async (t) => {
  const fileEvidence = ruleSchema.properties.source.properties?.evidence as JsonSchema
  t.equal(enumOf(fileEvidence), JSON.stringify([...EVIDENCE].sort()))
  t.equal(enumOf(CardExtensionSchema.properties.evidence as unknown as JsonSchema), enumOf(fileEvidence))
})

await t.test('a drift in a shared member is found', async (t) => {
  const drifted = structuredClone(ruleSchema.definitions.card)
  drifted.properties = { ...drifted.properties, indicator: { enum: ['info', 'warning', 'hard-stop'] } }
  t.match(differences(drifted, CardSchema as unknown as JsonSchema, ''), [/^\/indicator: enum/])
  const extra = structuredClone(ruleSchema.definitions.card)
  extra.properties = { ...extra.properties, colour: { type: 'string' } }
  t.match(differences(extra, CardSchema as unknown as JsonSchema, ''), [/members only in the template: colour, why/])
})
