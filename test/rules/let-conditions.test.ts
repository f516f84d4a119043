// A rule's `let` names are usable in conditions: `{"let": NAME, "path", "operator", "value"}`
// compiles to the binding's call (the engine decides as before), is typed by the fact's declared
// shape, and an unknown name is a located error with a "did you mean".

import { readFileSync } from 'node:fs'
import t, { type Test } from 'tap'
import { explainRun } from '../../src/cds/explain.js'
import { formatProblem } from '../../src/rules/catalog-problems.js'
import { isLetLeaf } from '../../src/rules/types.js'
import { RULES_DIR, bundledCatalog, catalogProblemsAfter } from '../helper.js'
import { leaves } from '../../src/rules/catalog-check.js'

const FILE = 'escalation/ESC-05.rule.json'
const problemsAfter = (t: Test, edit: (r: any) => void): string[] =>
  catalogProblemsAfter(t, FILE, edit).map(formatProblem)
/** ESC-05 variant a, first condition: {"let": "pp", "path": "$.found", …}. */
const first = (r: any): any => r.variants[0].conditions.all[0]

await t.test('a let-leaf compiles to its binding\'s call, keeping the name', async (t) => {
  const profile = bundledCatalog().profiles.get('default') ?? [...bundledCatalog().profiles.values()][0]
  const rule = profile?.rules.find((r) => r.rule.id === 'ESC-05')
  const variant = rule?.variants[0]
  if (rule === undefined || variant === undefined) throw new Error('ESC-05 not compiled')
  t.match(first(rule.rule), { let: 'pp', path: '$.found' }, 'the source says the call once')
  let n = 0
  leaves(variant.conditions, (leaf) => {
    n++
    t.notOk(isLetLeaf(leaf), 'no let-leaf is left for the engine')
    if (!isLetLeaf(leaf)) t.same([leaf.fact, leaf.let, leaf.params], ['postProcedurePain', 'pp', rule.lets.get('pp')?.params])
  })
  t.ok(n >= 4, 'every leaf of ESC-05/a names pp')
  t.equal(variant.factCalls.get('postProcedurePain')?.id, rule.lets.get('pp')?.id, 'templates see the same call as {{postProcedurePain.…}} and {{pp.…}}')
})

await t.test('explain shows the let name beside the fact', async (t) => {
  const catalog = bundledCatalog()
  const profile = catalog.profiles.get(catalog.defaultProfile)
  const rule = profile?.rules.find((r) => r.rule.id === 'ESC-05')
  const variant = rule?.variants[0]
  if (rule === undefined || variant === undefined) throw new Error('ESC-05 not compiled')
  const { variants } = explainRun({ outcomes: [{ key: variant.key, rule, variant, outcome: 'not-applicable', value: () => undefined }] })
  t.match(variants[0]?.conditions[0], { pointer: '/all/0', let: 'pp', fact: 'postProcedurePain', params: { withinDays: Number }, path: '$.found' })
})

await t.test('an unknown let name: located, with did-you-mean', async (t) => {
  t.same(problemsAfter(t, (r) => { first(r).let = 'ppp' }), [
    `${FILE} [ESC-05] /variants/0/conditions/all/0/let: unknown let "ppp" (this rule's "let" has pp) (did you mean "pp"?)`
  ])
})

await t.test('a let-leaf is typed by its fact\'s declared shape', async (t) => {
  t.same(problemsAfter(t, (r) => { first(r).path = '$.fonud' }), [
    `${FILE} [ESC-05] /variants/0/conditions/all/0/path: let "pp" (fact "postProcedurePain") has no member "fonud" (did you mean "found"?)`
  ])
  t.same(problemsAfter(t, (r) => { first(r).value = 'yes' }), [
    `${FILE} [ESC-05] /variants/0/conditions/all/0/value: equal: pp $.found is boolean, but the value is string`
  ])
})

await t.test('a leaf is a fact call or a let name, not both', async (t) => {
  const problems = problemsAfter(t, (r) => { first(r).fact = 'postProcedurePain' })
  t.ok(problems.some((p) => p.includes('/variants/0/conditions/all/0') && /\b(fact|let)\b/.test(p)), 'the leaf is rejected where it is')
})

await t.test('the pack says each fact call once: no fact+params call repeats within a rule', async (t) => {
  const { content } = await import('../../src/rules/catalog-files.js').then((m) => m.readCatalogFiles(RULES_DIR))
  for (const { rule } of content.rules) {
    const seen = new Map<string, number>()
    for (const v of rule.variants ?? [{ conditions: rule.conditions }]) {
      if (v.conditions === undefined) continue
      leaves(v.conditions, (leaf) => {
        if (isLetLeaf(leaf) || leaf.params === undefined || Object.keys(leaf.params).length === 0) return
        const key = `${leaf.fact} ${JSON.stringify(leaf.params)}`
        seen.set(key, (seen.get(key) ?? 0) + 1)
      })
    }
    const repeated = [...seen].filter(([, n]) => n > 1).map(([k]) => k)
    t.same(repeated, [], `${rule.id}: repeated calls belong in "let"`)
  }
  t.ok(readFileSync(`${RULES_DIR}escalation/ESC-05.rule.json`, 'utf8').includes('"let": "pp"'))
})
