// The published content schemas (schemas/*.schema.json) are valid JSON Schema draft-07. The
// service compiles them without re-checking them against the meta-schema at every start, so the
// check lives here; so do the fact library's param schemas, compiled the same way.

import { readdirSync, readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import t from 'tap'
import { FACT_LIBRARY } from '../../src/rules/facts/index.js'
import { SCHEMA_DIR } from '../../src/rules/schema-validator.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }))

const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'))
t.ok(files.length >= 6, 'the content schemas are published')
for (const file of files) {
  const schema = JSON.parse(readFileSync(`${SCHEMA_DIR}${file}`, 'utf8')) as { $schema?: string }
  t.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#', `${file} declares draft-07`)
  t.equal(ajv.validateSchema(schema), true, `${file} is a valid schema ${ajv.errorsText(ajv.errors)}`)
}
for (const [name, def] of FACT_LIBRARY) {
  t.equal(ajv.validateSchema(def.params), true, `fact ${name}: params schema is valid ${ajv.errorsText(ajv.errors)}`)
}
t.equal(ajv.validateSchema({ type: 'object', properties: { a: { type: 'strnig' } } }), false, 'the check can fail')
