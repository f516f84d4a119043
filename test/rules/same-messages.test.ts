// One mistake, three ways in: `rules check` (CLI), POST /rules/validate and POST /rules/reload
// report the same problem text (file, rule, JSON pointer, message).

import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { main } from '../../src/cli/main.js'
import { type CatalogProblem, formatProblem } from '../../src/rules/catalog-problems.js'
import { RULES_DIR, bundledCatalog, tempDir, testApp } from '../helper.js'

const FILE = 'safety/SAFE-03.rule.json'
const CASES = 'safety/SAFE-03.cases.json'

/** The CLI's problem lines, without the mark. */
async function cliProblems (dir: string): Promise<string[]> {
  const out: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((s: string) => { out.push(String(s)); return true }) as typeof process.stdout.write
  try {
    await main(['rules', 'check', '--rules', dir])
  } finally {
    process.stdout.write = write
  }
  return out.join('').split('\n').filter((l) => l.startsWith('✗ ')).map((l) => l.slice(2))
}

const MISTAKES: Array<[string, (rule: any) => void]> = [
  ['a member typo (schema)', (r) => { r.conditons = r.conditions; delete r.conditions }],
  ['an unknown parameter (cross-file)', (r) => { r.let.glucose.params.lookbackDays = { param: 'GLUCOSE_LOOKBACK_DAYZ' } }],
  ['a condition value of the wrong type', (r) => { r.conditions.all[0].value = 'yes' }]
]

for (const [name, edit] of MISTAKES) {
  await t.test(`${name}: the same message from the CLI, validate and reload`, async (t) => {
    const dir = tempDir(t)
    cpSync(RULES_DIR, dir, { recursive: true })
    const rule = JSON.parse(readFileSync(join(dir, FILE), 'utf8'))
    edit(rule)
    writeFileSync(join(dir, FILE), JSON.stringify(rule, null, 2))
    const cases = JSON.parse(readFileSync(join(dir, CASES), 'utf8'))

    const cli = await cliProblems(dir)
    t.equal(cli.length, 1, 'one mistake, one problem')

    const { app } = await testApp(t, { config: { RULES_DIR: dir } })
    t.teardown(async () => { await app.close() })
    const validated = await app.inject({ method: 'POST', url: '/rules/validate', payload: { rule, cases } })
    t.equal(validated.statusCode, 200)
    const posted = (validated.json().problems as Array<CatalogProblem & { severity: string }>)
      .map(({ severity, ...p }) => formatProblem(p))
    const reloaded = await app.inject({ method: 'POST', url: '/rules/reload' })
    t.equal(reloaded.statusCode, 422)
    const refused = (reloaded.json().issue as Array<{ diagnostics: string }>).map((i) => i.diagnostics)

    t.same(posted, cli, 'validate says what the CLI says')
    t.same(refused, cli, 'reload says what the CLI says')
    t.match(cli[0], /^safety\/SAFE-03\.rule\.json \[SAFE-03\] \/\S+: /, 'file, rule and pointer')
  })
}

await t.test('a parameter default of the wrong type: one problem from the CLI, a posted catalog and reload', async (t) => {
  const dir = tempDir(t)
  cpSync(RULES_DIR, dir, { recursive: true })
  const catalog = bundledCatalog().content
  const parameters = structuredClone(catalog.parameters) as any
  parameters.parameters.MIN_PAIN_NRS.default = '9'
  writeFileSync(join(dir, 'parameters.json'), JSON.stringify(parameters, null, 2))

  const cli = await cliProblems(dir)
  t.same(cli, ['parameters.json /parameters/MIN_PAIN_NRS/default: expected number (it has a unit), got string "9"'])

  const { app } = await testApp(t, { config: { RULES_DIR: dir } })
  t.teardown(async () => { await app.close() })
  const whole = {
    services: catalog.services,
    parameters,
    valueSets: catalog.valueSets,
    facts: catalog.facts,
    rules: catalog.rules.map((r) => ({ rule: r.rule, cases: r.cases }))
  }
  const validated = await app.inject({ method: 'POST', url: '/rules/validate', payload: whole })
  t.equal(validated.statusCode, 200)
  const problems = validated.json().problems as Array<CatalogProblem & { severity: string }>
  t.same(problems.map(({ severity, ...p }) => formatProblem(p)), cli)
  const reloaded = await app.inject({ method: 'POST', url: '/rules/reload' })
  t.same((reloaded.json().issue as Array<{ diagnostics: string }>).map((i) => i.diagnostics), cli)
})
