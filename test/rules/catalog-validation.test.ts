import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { loadCatalog } from '../../src/rules/catalog.js'
import { CatalogError } from '../../src/rules/catalog-problems.js'
import { RULES_DIR } from '../helper.js'

function withCopy (t: Test, edit: (dir: string) => void): CatalogError {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync(RULES_DIR, dir, { recursive: true })
  edit(dir)
  try {
    loadCatalog(dir, new Date())
  } catch (err) {
    if (err instanceof CatalogError) return err
    throw err
  }
  throw new Error('catalog loaded although it was broken')
}

const rulePath = (dir: string): string => join(dir, 'suitability', 'SUIT-01.rule.json')
const editRule = (dir: string, f: (r: any) => void): void => {
  const r = JSON.parse(readFileSync(rulePath(dir), 'utf8'))
  f(r)
  writeFileSync(rulePath(dir), JSON.stringify(r))
}

await t.test('the bundled catalog is valid', async (t) => {
  const c = loadCatalog(RULES_DIR, new Date())
  t.ok(c.content.rules.length >= 1)
  t.same([...c.profiles.keys()].sort(), ['consensus_2020', 'medicare_lcd'])
})

await t.test('errors name the file, the rule and the JSON pointer', async (t) => {
  const schema = withCopy(t, (d) => editRule(d, (r) => { r.card.indicator = 'hard-stop' }))
  t.match(schema.problems, [{ file: 'suitability/SUIT-01.rule.json', rule: 'SUIT-01', pointer: '/card/indicator' }])

  const fact = withCopy(t, (d) => editRule(d, (r) => { r.conditions.all[0].fact = 'latestPainScor' }))
  t.match(fact.problems, [{ rule: 'SUIT-01', pointer: '/conditions/all/0/fact', message: /unknown fact "latestPainScor"/ }])

  const param = withCopy(t, (d) => editRule(d, (r) => { r.conditions.all[0].params.lookbackDays = { param: 'NO_SUCH_PARAM' } }))
  t.match(param.problems, [{ pointer: '/conditions/all/0/params/lookbackDays', message: /parameter "NO_SUCH_PARAM" is not defined/ }],
    'an undefined parameter is reported where it is used')

  const factParams = withCopy(t, (d) => editRule(d, (r) => { r.conditions.all[0].params.lookbackDays = 'thirty' }))
  t.ok(factParams.problems.some((p) => p.pointer === '/conditions/all/0/params/lookbackDays'), 'fact params are type-checked')

  const placeholder = withCopy(t, (d) => editRule(d, (r) => { r.card.summary = 'Pain {{painz.value}}' }))
  t.ok(placeholder.problems.some((p) => p.pointer === '/card' && /painz/.test(p.message)), 'unknown placeholder')

  const json = withCopy(t, (d) => { writeFileSync(rulePath(d), '{ "id": ') })
  t.match(json.problems, [{ file: 'suitability/SUIT-01.rule.json', pointer: '/', message: /not valid JSON/ }])

  const noCases = withCopy(t, (d) => { rmSync(join(d, 'suitability', 'SUIT-01.cases.json')) })
  t.ok(noCases.problems.some((p) => /no cases file/.test(p.message)), 'a rule without cases is refused')

  const fhirpath = withCopy(t, (d) => {
    const f = JSON.parse(readFileSync(join(d, 'facts.json'), 'utf8'))
    const first = Object.values(f.facts)[0] as { where: string }
    first.where = 'effective > today()'
    writeFileSync(join(d, 'facts.json'), JSON.stringify(f))
  })
  t.ok(fhirpath.problems.some((p) => p.file === 'facts.json' && /today\(\)/.test(p.message)), 'now()/today() are refused')

  const vs = withCopy(t, (d) => {
    const p = join(d, 'valuesets', 'pain-scores.json')
    const v = JSON.parse(readFileSync(p, 'utf8'))
    v.concepts[0].evidence = 'X'
    writeFileSync(p, JSON.stringify(v))
  })
  t.ok(vs.problems.some((p) => p.file === 'valuesets/pain-scores.json' && p.pointer.startsWith('/concepts/0/evidence')), 'value sets are schema-checked')
})
