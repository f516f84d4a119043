// Table-driven tests of each TypeScript fact, in the fhirpath.js style: the cases live beside the
// facts (src/rules/facts/cases/<fact>.cases.json), this one runner reads them. Each case's record
// is built exactly as a rule case's is (caseRecord + evaluateRecord, with no rules to run), the
// fact runs with the order session the engine would give it, and its value must both match the
// case's expectation and conform to the fact's declared returnsSchema.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv } from 'ajv'
import t from 'tap'
import { evaluateRecord } from '../../src/cds/evaluate.js'
import { intentSettings, orderedSessions } from '../../src/fhir/facet.js'
import type { ValueSet } from '../../src/fhir/valueset.js'
import { caseRecord, expandDates } from '../../src/authoring/case-runner.js'
import type { Catalog } from '../../src/rules/compiled.js'
import { FACT_LIBRARY } from '../../src/rules/facts/index.js'
import type { FactDefinition } from '../../src/rules/facts/fact.js'
import type { HookName } from '../../src/rules/types.js'
import { bundledCatalog } from '../helper.js'

const CASES_DIR = fileURLToPath(new URL('../../src/rules/facts/cases/', import.meta.url))
const MIN_CASES = 3
const DEFAULT_NOW = '2026-11-29T10:00:00Z'

interface FactCase {
  name: string
  /** Evaluation instant; resource dates may be relative to it (`{{now-30d}}`, `{{now-3h}}`). */
  now?: string
  /** patient-view (default) or an order hook: resources with status draft are then the draft orders. */
  hook?: HookName
  profile?: string
  params?: Record<string, unknown>
  resources?: unknown[]
  /** Which order session (0-based, in the engine's order) the fact runs for on an order hook. */
  session?: number
  /** The whole value (deep equality), or… */
  expect?: unknown
  /** …a subset of its members (tap `t.match`). */
  match?: unknown
}
interface FactCasesFile { fact: string, cases: FactCase[] }
const CASE_MEMBERS = new Set(['name', 'now', 'hook', 'profile', 'params', 'resources', 'session', 'expect', 'match'])

/** The catalog with no rules: evaluateRecord then only builds the record, as for a real call. */
function withoutRules (catalog: Catalog): Catalog {
  return { ...catalog, profiles: new Map([...catalog.profiles].map(([n, p]) => [n, { ...p, rules: [] }])) }
}

async function valueOf (catalog: Catalog, def: FactDefinition, c: FactCase): Promise<{ value: unknown, now: Date }> {
  const now = new Date(c.now ?? DEFAULT_NOW)
  const hook = c.hook ?? 'patient-view'
  const asRuleCase = { name: c.name, now: now.toISOString(), resources: c.resources ?? [], expect: { fires: false } }
  const input = caseRecord(asRuleCase, hook)
  const profileName = c.profile === undefined ? {} : { profile: c.profile }
  const deps = { catalog: withoutRules(catalog), now, newId: () => 'id', ...profileName }
  const evaluated = await evaluateRecord(hook, input, deps)
  const record = evaluated.record
  const profile = catalog.profiles.get(evaluated.profile)
  if (profile === undefined) throw new Error(`no profile ${evaluated.profile}`)
  const valueSet = (id: string): ValueSet => {
    const vs = catalog.valueSets.get(id)
    if (vs === undefined) throw new Error(`value set ${id} is not loaded`)
    return vs
  }
  const sessions = hook === 'patient-view'
    ? []
    : orderedSessions(record, valueSet('facet-procedures'), intentSettings(profile.parameters))
  const order = sessions[c.session ?? 0]
  if (c.session !== undefined && order === undefined) throw new Error(`case has no order session ${c.session}`)
  const params = expandDates(structuredClone(c.params ?? {}), now)
  return { value: def.compute({ record, order, valueSet, parameters: profile.parameters }, params), now }
}

function readCases (fact: string): FactCasesFile | undefined {
  const file = join(CASES_DIR, `${fact}.cases.json`)
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as FactCasesFile
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

const catalog = bundledCatalog()
const ajv = new Ajv({ allErrors: true, strict: false })

await t.test('every cases file names a registered fact', async (t) => {
  const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.cases.json'))
  for (const f of files) t.ok(FACT_LIBRARY.has(f.replace(/\.cases\.json$/, '')), `${f} names a fact`)
})

for (const [name, def] of FACT_LIBRARY) {
  await t.test(name, async (t) => {
    const file = readCases(name)
    if (file === undefined) { t.fail(`src/rules/facts/cases/${name}.cases.json is missing`); return }
    t.equal(file.fact, name, 'the file names its fact')
    t.ok(file.cases.length >= MIN_CASES, `at least ${MIN_CASES} cases (has ${file.cases.length})`)
    t.equal(new Set(file.cases.map((c) => c.name)).size, file.cases.length, 'case names are unique')
    t.ok(def.returnsSchema !== undefined, 'the fact declares returnsSchema')
    const validate = ajv.compile(def.returnsSchema ?? {})
    for (const c of file.cases) {
      await t.test(c.name, async (t) => {
        t.ok((c.expect === undefined) !== (c.match === undefined), 'the case has one of expect or match')
        t.same(Object.keys(c).filter((k) => !CASE_MEMBERS.has(k)), [], 'the case has no unknown members')
        const { value, now } = await valueOf(catalog, def, c)
        const valid = validate(value)
        t.ok(valid, 'the value conforms to returnsSchema', { errors: validate.errors, value })
        if (c.expect !== undefined) t.same(value, expandDates(c.expect, now), 'the value')
        if (c.match !== undefined) t.match(value, expandDates(c.match, now), 'the value (members given)')
      })
    }
  })
}
