// JSON pointer → text range: where a validation problem lands in the rule editor.
import t from 'tap'
import { lineOf, pointerToRange, pointerTokens } from '../../src/workbench/json-pointer.js'

const text = '{\n  "id": "SAFE-01",\n  "a/b": { "~x": [1, {"op": "equal"}] },\n  "list": [ "x" , "y" ]\n}'

await t.test('tokens unescape ~1 and ~0', async (t) => {
  t.same(pointerTokens('/a~1b/~0x/1'), ['a/b', '~x', '1'])
  t.same(pointerTokens(''), [])
  t.same(pointerTokens('#/id'), ['id'])
})

await t.test('a pointer lands on its value, on the right line', async (t) => {
  const id = pointerToRange(text, '/id')
  t.same(id && text.slice(id.from, id.to), '"SAFE-01"')
  t.equal(id && lineOf(text, id.from), 2)
  const op = pointerToRange(text, '/a~1b/~0x/1/op')
  t.same(op && text.slice(op.from, op.to), '"equal"')
  t.equal(op?.exact, true)
  t.equal(op && lineOf(text, op.from), 3)
  const y = pointerToRange(text, '/list/1')
  t.same(y && text.slice(y.from, y.to), '"y"')
  t.equal(y && lineOf(text, y.from), 4)
  const root = pointerToRange(text, '')
  t.same(root, { from: 0, to: text.length, exact: true })
})

await t.test('a pointer past the text lands on the deepest node found', async (t) => {
  const r = pointerToRange(text, '/a~1b/missing/0')
  t.equal(r?.exact, false)
  t.same(r && text.slice(r.from, r.to), '{ "~x": [1, {"op": "equal"}] }')
  t.equal(pointerToRange(text, '/list/7')?.exact, false)
})

await t.test('text that is not JSON has no ranges', async (t) => {
  t.equal(pointerToRange('{"a": }', '/a'), undefined)
  t.equal(pointerToRange('{"a": 1', '/a'), undefined)
  t.equal(pointerToRange('{"a": "x\\"y"}', '/a')?.to, 12)
  t.equal(pointerToRange('{"a": [1,]}', '/a'), undefined, 'no trailing commas')
  t.equal(pointerToRange('{"a": 1 // note\n}', '/a'), undefined, 'no comments')
  t.equal(pointerToRange('{"0": {"x": 1}}', '/0/x')?.exact, true, 'a numeric token names an object member')
})
