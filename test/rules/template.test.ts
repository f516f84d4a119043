import t from 'tap'
import { MISSING_VALUE_TEXT, formatValue, renderJson, renderText, type Lookup } from '../../src/rules/template.js'

const values: Record<string, unknown> = { n: 38.56, names: ['apixaban', null, 'clopidogrel'], none: [], empty: '', nil: null, yes: true, when: '2026-11-01' }
const lookup: Lookup = (root, path) => root === 'f' ? values[path[0] ?? ''] : undefined

await t.test('a value that is not on file reads "none recorded", never "unknown"', async (t) => {
  t.equal(MISSING_VALUE_TEXT, 'none recorded')
  for (const v of [undefined, null, '', []]) t.equal(formatValue(v), 'none recorded', JSON.stringify(v) ?? 'undefined')
  t.equal(formatValue([null, undefined]), 'none recorded', 'a list of missing values')
  t.equal(renderText('Latest: {{f.absent}}; nil {{f.nil}}; list {{f.none}}; text {{f.empty}}; other root {{g.x}}.', lookup),
    'Latest: none recorded; nil none recorded; list none recorded; text none recorded; other root none recorded.')
  t.notMatch(renderText('{{f.absent}} {{f.nil}} {{f.none}}', lookup), /unknown/)
})

await t.test('an optional placeholder {{x?}} renders nothing when the value is missing', async (t) => {
  t.equal(renderText('Check.{{f.empty?}}|{{f.absent?}}|{{f.none?}}', lookup), 'Check.||')
  t.equal(renderText('Dates: {{f.when?}}', lookup), 'Dates: 2026-11-01', 'a value on file renders as usual')
})

await t.test('values on file are formatted for people', async (t) => {
  t.equal(renderText('{{f.n}} °C, {{f.names}}, {{f.yes}}, {{f.when}}', lookup), '38.6 °C, apixaban, clopidogrel, yes, 2026-11-01')
  t.equal(formatValue(0), '0', 'zero is a value, not missing')
  t.equal(formatValue(false), 'no', 'false is a value, not missing')
})

await t.test('a resource template keeps raw values; a missing whole placeholder reads "none recorded"', async (t) => {
  t.same(renderJson({ a: '{{f.n}}', b: '{{f.none}}', c: '{{f.absent}}', d: 'on {{f.when}}' }, lookup),
    { a: 38.56, b: [], c: 'none recorded', d: 'on 2026-11-01' })
})
