// `rules check` as a compiler: one mistake gives one problem (nothing that follows from it is
// reported again), the most specific message, a "did you mean" where a name is misspelt, and
// JSON syntax errors at line:column.

import t from 'tap'
import { jsonSyntaxMessage } from '../../src/rules/catalog-problems.js'
import { catalogProblemsAfter, catalogProblemsAfterText } from '../helper.js'

const SAFE03 = 'safety/SAFE-03.rule.json'

await t.test('a parameter default of the wrong type is one problem, at parameters.json', async (t) => {
  const problems = catalogProblemsAfter(t, 'parameters.json', (p) => { p.parameters.MIN_PAIN_NRS.default = '9' })
  t.same(problems, [{ file: 'parameters.json', pointer: '/parameters/MIN_PAIN_NRS/default', message: 'expected number (it has a unit), got string "9"' }],
    'no rule using MIN_PAIN_NRS is reported as well')
  const flag = catalogProblemsAfter(t, 'parameters.json', (p) => { p.parameters.REQUIRE_RFA_CONTRAINDICATION_FOR_THERAPEUTIC_IA.default = 'yes' })
  t.same(flag.map((p) => p.message), ['expected boolean (like its profile overrides), got string "yes"'], 'a flag: boolean, from its overrides')
})

await t.test('a profile override must have the type of the default', async (t) => {
  const problems = catalogProblemsAfter(t, 'parameters.json', (p) => { p.parameters.DX_BLOCKS_REQUIRED.profiles.consensus_2020 = true })
  t.same(problems, [{
    file: 'parameters.json',
    pointer: '/parameters/DX_BLOCKS_REQUIRED/profiles/consensus_2020',
    message: 'expected number (the type of the default), got boolean true'
  }], 'the conditions comparing DX_BLOCKS_REQUIRED are typed by its default, so they are not reported')
})

await t.test('invalid JSON is one problem with line and column', async (t) => {
  const params = catalogProblemsAfterText(t, 'parameters.json', (s) => s.replace('"default": 90,', '"default": 90'))
  t.equal(params.length, 1, 'no rule reports its parameters or profiles as undefined')
  t.match(params[0], { file: 'parameters.json', pointer: '/', message: /^not valid JSON at line \d+, column \d+: Expected ',' or '}'/ })

  const rule = catalogProblemsAfterText(t, SAFE03, (s) => s.replace(/"version"/, '"version" "x",'))
  t.equal(rule.length, 1, 'its cases file is not reported as an orphan')
  t.match(rule[0], { file: SAFE03, message: /^not valid JSON at line 4, column 13: Unexpected string$/ })

  const valueSet = catalogProblemsAfterText(t, 'valuesets/diabetes.json', (s) => s.replace('{', '{,'))
  t.same(valueSet.map((p) => p.file), ['valuesets/diabetes.json'], 'rules naming the value set are not reported')

  const facts = catalogProblemsAfterText(t, 'facts.json', (s) => `${s}}`)
  t.same(facts.map((p) => p.file), ['facts.json'], 'rules naming its facts are not reported')
})

await t.test('jsonSyntaxMessage turns a character position into line:column', async (t) => {
  const text = '{\n  "a": 1\n  "b": 2\n}'
  let err: unknown
  try { JSON.parse(text) } catch (e) { err = e }
  t.equal(jsonSyntaxMessage(text, err), 'not valid JSON at line 3, column 3: Expected \',\' or \'}\' after property value')
  t.equal(jsonSyntaxMessage('', new Error('Unexpected end of JSON input')), 'not valid JSON: Unexpected end of JSON input')
})

await t.test('a broken entry of facts.json or a broken rule is reported once', async (t) => {
  const fact = catalogProblemsAfter(t, 'facts.json', (f) => { f.facts.saddleAnaesthesiaObserved.wher = 'x' })
  t.same(fact, [{ file: 'facts.json', pointer: '/facts/saddleAnaesthesiaObserved/wher', message: 'unknown member "wher" — did you mean "where"?' }],
    'the rule whose card names the fact is not reported')
  const rule = catalogProblemsAfter(t, 'escalation/ESC-02.rule.json', (r) => { r.version = 2 })
  t.same(rule, [{ file: 'escalation/ESC-02.rule.json', rule: 'ESC-02', pointer: '/version', message: 'expected string, got number 2' }],
    'suppressedBy lists naming ESC-02 are not reported')
})

await t.test('a member typo is one message, with the member it resembles', async (t) => {
  const top = catalogProblemsAfter(t, SAFE03, (r) => { r.conditons = r.conditions; delete r.conditions })
  t.same(top, [{ file: SAFE03, rule: 'SAFE-03', pointer: '/conditons', message: 'unknown member "conditons" — did you mean "conditions"?' }])
  const leaf = catalogProblemsAfter(t, SAFE03, (r) => {
    r.conditions.all[0].operatr = r.conditions.all[0].operator
    delete r.conditions.all[0].operator
  })
  t.same(leaf, [{ file: SAFE03, rule: 'SAFE-03', pointer: '/conditions/all/0/operatr', message: 'unknown member "operatr" — did you mean "operator"?' }])
  const unlike = catalogProblemsAfter(t, SAFE03, (r) => { r.card.zzz = 1 })
  t.match(unlike, [{ pointer: '/card/zzz', message: /^unknown member "zzz"; allowed: indicator, summary, / }], 'no near name: the allowed ones')
  t.equal(unlike.length, 1)
})

await t.test('enum and type mistakes say what is allowed and what was given', async (t) => {
  const op = catalogProblemsAfter(t, SAFE03, (r) => { r.conditions.all[0].operator = 'equals' })
  t.same(op, [{ file: SAFE03, rule: 'SAFE-03', pointer: '/conditions/all/0/operator', message: '"equals" is not one of "equal", "notEqual", "lessThan", "lessThanInclusive", "greaterThan", "greaterThanInclusive", "in", "notIn", "contains", "doesNotContain" — did you mean "equal"?' }])
  const hook = catalogProblemsAfter(t, SAFE03, (r) => { r.hooks = ['order-sing'] })
  t.same(hook.map((p) => p.message), ['"order-sing" is not one of "order-select", "order-sign", "patient-view" — did you mean "order-sign"?'])
  const fact = catalogProblemsAfter(t, SAFE03, (r) => { r.conditions.all[0].fact = 3 })
  t.same(fact.map((p) => [p.pointer, p.message]), [['/conditions/all/0/fact', 'expected string, got number 3']])
})

await t.test('did you mean: parameters, value sets, suppressedBy, profiles', async (t) => {
  const ref = catalogProblemsAfter(t, SAFE03, (r) => { r.let.glucose.params.lookbackDays = { param: 'GLUCOSE_LOOKBACK_DAYZ' } })
  t.same(ref, [{
    file: SAFE03,
    rule: 'SAFE-03',
    pointer: '/let/glucose/params/lookbackDays',
    message: 'parameter "GLUCOSE_LOOKBACK_DAYZ" is not defined in parameters.json (did you mean "GLUCOSE_LOOKBACK_DAYS"?)'
  }], 'one problem where the name is used; the listed GLUCOSE_LOOKBACK_DAYS is not also "never used"')
  const listed = catalogProblemsAfter(t, SAFE03, (r) => { r.parameters = r.parameters.map((p: string) => p === 'HBA1C_WARN_PCT' ? 'HBA1C_WARN_PC' : p) })
  t.same(listed.map((p) => [p.pointer, p.message]), [['/parameters/0', 'parameter "HBA1C_WARN_PC" is not defined in parameters.json (did you mean "HBA1C_WARN_PCT"?)']],
    'HBA1C_WARN_PCT is not also "used but not listed"')
  const vs = catalogProblemsAfter(t, SAFE03, (r) => { r.conditions.all[1].params.valueset = 'diabetis' })
  t.same(vs.map((p) => [p.pointer, p.message]), [['/conditions/all/1/params/valueset', 'unknown value set "diabetis" (no valuesets/diabetis.json) (did you mean "diabetes"?)']])
  const factVs = catalogProblemsAfter(t, 'facts.json', (f) => {
    const withVs = Object.values(f.facts).find((x: any) => x.valueset !== undefined) as { valueset: string }
    withVs.valueset = `${withVs.valueset}x`
  })
  t.match(factVs, [{ file: 'facts.json', message: /^unknown value set ".*x" .*\(did you mean ".*"\?\)$/ }])
  t.equal(factVs.length, 1)
  const suppressed = catalogProblemsAfter(t, 'pt-follow-up/PT-02.rule.json', (r) => { r.suppressedBy = ['ESC-02/aa'] })
  t.same(suppressed.map((p) => [p.rule, p.pointer, p.message]), [['PT-02', '/suppressedBy/0', 'unknown rule or variant "ESC-02/aa" (did you mean "ESC-02/a"?)']])
  const profile = catalogProblemsAfter(t, 'parameters.json', (p) => { p.defaultProfile = 'medicare_lc' })
  t.same(profile.map((p) => p.message), ['profile "medicare_lc" is not defined in /profiles (did you mean "medicare_lcd"?)'])
})

await t.test('a misspelt fact is one problem, not also its card placeholder', async (t) => {
  const problems = catalogProblemsAfter(t, 'escalation/ESC-02.rule.json', (r) => {
    const text = JSON.stringify(r).replaceAll('"fact":"newNeuroDeficit"', '"fact":"newNeuroDefict"')
    Object.assign(r, JSON.parse(text))
  })
  t.ok(problems.length >= 1)
  t.ok(problems.every((p) => /unknown fact "newNeuroDefict" .*\(did you mean "newNeuroDeficit"\?\)$/.test(p.message)), 'only the misspelt calls')
})
