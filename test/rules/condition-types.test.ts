// `rules check` catches type mistakes in conditions: a path naming no member of the fact's declared
// shape, a value whose type does not suit the member or the operator, an unknown fact (with a
// "did you mean" suggestion). Each test copies a real rule, breaks it and reads the located problem.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { loadCatalog } from '../../src/rules/catalog.js'
import { CatalogError, formatProblem } from '../../src/rules/catalog-problems.js'
import { readCatalogFiles } from '../../src/rules/catalog-files.js'
import { checkCatalog } from '../../src/rules/catalog-check.js'
import { didYouMean } from '../../src/rules/condition-types.js'
import { FACT_LIBRARY } from '../../src/rules/facts/index.js'
import { RULES_DIR, catalogProblemsAfter } from '../helper.js'

const FILE = 'safety/SAFE-01.rule.json'

function problemsAfter (t: Test, edit: (r: any) => void): string[] {
  return catalogProblemsAfter(t, FILE, edit).map(formatProblem)
}

/** The first condition of SAFE-01 variant a-high: antithrombotics $.found equal true. */
const first = (r: any): any => r.variants[0].conditions.all[0]
/** SAFE-01 variant b: platelets $.latest lessThan {param PLATELETS_MIN}. */
const platelets = (r: any): any => r.variants[4].conditions.any[1]

await t.test('a string value compared with a boolean member', async (t) => {
  t.same(problemsAfter(t, (r) => { first(r).value = 'no' }), [
    'safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/0/value: equal: antithrombotics $.found is boolean, but the value is string'
  ])
})

await t.test('a path typo names the member and the closest one', async (t) => {
  t.same(problemsAfter(t, (r) => { first(r).path = '$.fonud' }), [
    'safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/0/path: fact "antithrombotics" has no member "fonud" (did you mean "found"?)'
  ])
})

await t.test('a string threshold for lessThan', async (t) => {
  t.same(problemsAfter(t, (r) => { platelets(r).value = '9' }), [
    'safety/SAFE-01.rule.json [SAFE-01] /variants/4/conditions/any/1/value: lessThan needs a number value, not string'
  ])
})

await t.test('an unknown fact suggests the closest fact name', async (t) => {
  t.same(problemsAfter(t, (r) => { first(r).fact = 'antithrombotic' }), [
    'safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/0/fact: unknown fact "antithrombotic" (not built in, not in facts.json) (did you mean "antithrombotics"?)'
  ], 'one problem: no type check cascades from the unknown fact')
})

await t.test('operators, params, nesting and unknown members without a suggestion', async (t) => {
  const inNot = problemsAfter(t, (r) => {
    r.variants[0].conditions.all[2] = { not: { fact: 'order', path: '$.isRfa', operator: 'equal', value: { param: 'INR_MAX' } } }
  })
  t.same(inNot, ['safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/2/not/value: equal: order $.isRfa is boolean, but the value is number'],
    'a {"param"} value is typed by its default, inside a not')
  t.same(problemsAfter(t, (r) => { first(r).operator = 'in' }),
    ['safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/0/value: in needs an array value, not boolean'])
  t.same(problemsAfter(t, (r) => { Object.assign(first(r), { operator: 'in', value: [true, 'yes'] }) }),
    ['safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/0/value/1: in: antithrombotics $.found is boolean, but this item is string'])
  t.same(problemsAfter(t, (r) => { Object.assign(platelets(r), { operator: 'in', value: [{ param: 'PLATELETS_MIN' }, 50] }) }), [],
    'a {"param"} item of an in list is typed by its default')
  t.same(problemsAfter(t, (r) => { Object.assign(first(r), { path: '$.drugs', operator: 'contains', value: 'warfarin' }) }),
    ['safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/0/path: contains: antithrombotics $.drugs is string, not an array'])
  t.same(problemsAfter(t, (r) => { Object.assign(first(r), { path: '$.classes', operator: 'contains', value: 'DOAC' }) }), [],
    'contains on a string array member is fine')
  t.same(problemsAfter(t, (r) => { Object.assign(first(r), { path: '$.kind', operator: 'greaterThan', value: 1 }) }),
    ['safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/0/path: greaterThan: antithrombotics $.kind is string, not a number'])
  t.same(problemsAfter(t, (r) => { Object.assign(first(r), { path: '$.classes', operator: 'contains', value: 5 }) }),
    ['safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/0/value: contains: items of antithrombotics $.classes are string, but the value is number'])
  t.same(problemsAfter(t, (r) => { Object.assign(first(r), { operator: 'notEqual', value: null }) }),
    ['safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/0/value: notEqual: antithrombotics $.found is boolean, but the value is null'],
    'null only where the member can be null')
  t.same(problemsAfter(t, (r) => { first(r).path = '$.zzzzzz' }),
    ['safety/SAFE-01.rule.json [SAFE-01] /variants/0/conditions/all/0/path: fact "antithrombotics" has no member "zzzzzz"'])
})

await t.test('FHIRPath facts: typed by their result (exists → boolean), and have no members', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync(RULES_DIR, dir, { recursive: true })
  const path = join(dir, 'escalation/ESC-01.rule.json')
  const original = readFileSync(path, 'utf8')
  const problems = (leaf: string): string[] => {
    writeFileSync(path, original.replace('{ "fact": "saddleAnaesthesiaObserved", "operator": "equal", "value": true }', leaf))
    try {
      loadCatalog(dir, new Date())
    } catch (err) {
      if (err instanceof CatalogError) return err.problems.map(formatProblem)
      throw err
    }
    return []
  }
  const at = (tail: string): string => `escalation/ESC-01.rule.json [ESC-01] /conditions/any/3${tail}`
  t.match(original, /"saddleAnaesthesiaObserved", "operator": "equal", "value": true/)
  t.same(problems('{ "fact": "saddleAnaesthesiaObserved", "operator": "equal", "value": "yes" }'),
    [`${at('/value')}: equal: saddleAnaesthesiaObserved $ is boolean, but the value is string`])
  t.same(problems('{ "fact": "saddleAnaesthesiaObserved", "path": "$.found", "operator": "equal", "value": true }'),
    [`${at('/path')}: fact "saddleAnaesthesiaObserved" has no member "found" (the value is boolean)`])
})

await t.test('the bundled catalog has no condition type problems and every built-in fact declares its shape', async (t) => {
  const { content } = readCatalogFiles(RULES_DIR)
  t.same(checkCatalog(content).map(formatProblem), [])
  for (const def of FACT_LIBRARY.values()) {
    t.equal(def.returnsSchema?.properties?.found?.type, 'boolean', `${def.name} declares found: boolean`)
  }
})

await t.test('did you mean: Levenshtein distance at most 2', async (t) => {
  t.equal(didYouMean('lates', ['latest', 'count']), ' (did you mean "latest"?)')
  t.equal(didYouMean('lat', ['latest']), '')
})
