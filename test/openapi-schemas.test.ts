// openapi.yaml is written by hand (descriptions, examples, error responses), but its request and
// response bodies must say what the route schemas say: this walks every path+method and compares
// them member by member (properties, required, types, enums, items, open objects). Operations
// whose body the route does not declare are listed below with the reason, and the list is checked.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { testApp } from './helper.js'
import { schemaDifferences, type JsonSchema } from './openapi-compare.js'

interface Operation {
  requestBody?: { content: Record<string, { schema: JsonSchema }> }
  responses: Record<string, { $ref?: string, content?: Record<string, { schema: JsonSchema }> }>
}
interface Document {
  paths: Record<string, Record<string, Operation>>
  components: Record<string, Record<string, unknown>>
}

const doc = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')) as Document

/** Bodies no route schema declares (the domain reads them), so only openapi.yaml describes them. */
const UNDECLARED: Record<string, string> = {
  'POST /evaluate body': 'a FHIR Bundle checked by the domain (src/cds/bundle-input.ts), not by a route schema',
  'POST /evaluate 200': 'cards and the explanation are sent as built, without a response schema',
  'GET /feedback/summary 200': 'the store\'s summary, sent as built',
  'GET /healthz 200': 'a fixed liveness answer',
  'GET /readyz 200': 'the readiness report, sent as built',
  'GET /rules 200': 'the catalog summary, sent as built',
  'POST /rules/validate body': 'a rule file or catalog checked by rules check, not by a route schema',
  'POST /rules/validate 200': 'the validation report, sent as built',
  'POST /rules/reload 200': 'the reload report, sent as built'
}

await t.test('openapi.yaml request and response bodies match the route schemas member by member', async (t) => {
  const { routes } = await testApp(t)
  const undeclaredSeen: string[] = []
  for (const [path, ops] of Object.entries(doc.paths)) {
    const url = path.replace(/\{(\w+)\}/g, ':$1')
    for (const [method, op] of Object.entries(ops)) {
      if (method === 'parameters') continue
      const name = `${method.toUpperCase()} ${path}`
      const route = routes.find((r) => r.method === method.toUpperCase() && r.url === url)
      if (route === undefined) { t.fail(`${name}: no such route`); continue }
      const schema = (route.schema ?? {}) as { body?: JsonSchema, response?: Record<string, JsonSchema> }
      const compare = (what: string, documented: JsonSchema | undefined, declared: JsonSchema | undefined): void => {
        if (declared === undefined) {
          if (documented !== undefined) undeclaredSeen.push(`${name} ${what}`)
          return
        }
        if (documented === undefined) { t.fail(`${name} ${what}: the route declares a schema openapi.yaml does not document`); return }
        t.same(schemaDifferences(documented, declared, doc), [], `${name} ${what}`)
      }
      const bodies = Object.values(op.requestBody?.content ?? {})
      for (const body of bodies.length === 0 ? [undefined] : bodies) compare('body', body?.schema, schema.body)
      const statuses = new Set([...Object.keys(op.responses), ...Object.keys(schema.response ?? {})])
      for (const status of statuses) {
        if (!status.startsWith('2')) continue
        compare(status, op.responses[status]?.content?.['application/json']?.schema, schema.response?.[status])
      }
    }
  }
  t.same([...new Set(undeclaredSeen)].sort(), Object.keys(UNDECLARED).sort(),
    'the operations without a route schema are exactly the ones listed (declare a schema, or list it with a reason)')
})

await t.test('the comparison finds a drift in any member', async (t) => {
  const declared: JsonSchema = {
    type: 'object',
    required: ['a'],
    properties: { a: { type: 'string', enum: ['x', 'y'] }, b: { type: 'array', items: { type: 'integer' } } }
  }
  const same = { components: { schemas: { A: { type: 'string', enum: ['y', 'x'] } } } }
  t.same(schemaDifferences({ ...declared, properties: { ...declared.properties, a: { $ref: '#/components/schemas/A' } } }, declared, same), [])
  t.match(schemaDifferences({ ...declared, required: [] }, declared, same), [/^: required/])
  t.match(schemaDifferences({ ...declared, properties: { a: { type: 'string', enum: ['x', 'y'] } } }, declared, same), [/^: properties/])
  t.match(schemaDifferences({ ...declared, properties: { ...declared.properties, a: { type: 'string', enum: ['x'] } } }, declared, same), [/^\/a: enum/])
  t.match(schemaDifferences({ ...declared, properties: { ...declared.properties, b: { type: 'array', items: { type: 'number' } } } }, declared, same), [/^\/b\/items: type/])
  t.match(schemaDifferences({ ...declared, additionalProperties: true }, declared, same), [/^: additionalProperties/])
})
