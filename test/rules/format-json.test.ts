// `rules fmt`: one layout for every JSON file under rules/ — deterministic, idempotent, key order
// kept — and `--check` lists unformatted files with a failing exit code. The bundled pack is
// formatted (so `npm test` fails on an unformatted file, like CI's `rules fmt --check`).

import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { main } from '../../src/cli/main.js'
import { FORMAT_WIDTH, formatJson, formatRulesDir, formatRulesFile } from '../../src/rules/format-json.js'
import { RULES_DIR, tempDir } from '../helper.js'

await t.test('layout: short containers on one line, long ones broken, key order kept', async (t) => {
  const value = { z: 1, a: [1, 2], o: { b: true, a: null }, e: {}, l: [], long: Array.from({ length: 40 }, (_, i) => `item-${i}`) }
  const text = formatJson(value)
  t.equal(text.split('\n')[1], '  "z": 1,')
  t.match(text, '  "a": [1, 2],\n  "o": { "b": true, "a": null },\n  "e": {},\n  "l": [],\n  "long": [\n    "item-0",\n')
  t.ok(text.split('\n').every((l) => l.length <= FORMAT_WIDTH), 'no line over the width (no long strings here)')
  t.same(JSON.parse(text), value, 'same value')
  t.same(Object.keys(JSON.parse(text)), Object.keys(value), 'same key order')
  t.equal(formatJson(JSON.parse(text)), text, 'idempotent')
})

await t.test('a cases file keeps one case per line', async (t) => {
  const cases = { rule: 'X-01', cases: [{ name: 'a'.repeat(150), now: '2026-01-01T00:00:00Z', expect: { fires: true } }, { name: 'b', expect: { fires: false } }] }
  const text = formatRulesFile('x/X-01.cases.json', JSON.stringify(cases))
  t.equal(text.split('\n').length, 8, text)
  t.match(text, /^ {4}\{ "name": "a{150}", "now": .*, "expect": \{ "fires": true \} \},$/m)
  t.equal(formatRulesFile('x/X-01.cases.json', text), text, 'idempotent')
})

await t.test('the bundled rules are formatted', async (t) => {
  const report = formatRulesDir(RULES_DIR, true)
  t.ok(report.files > 100, `${report.files} files`)
  t.same(report.invalid, [])
  t.same(report.unformatted, [], 'run: npm run rules:fmt')
})

await t.test('rules fmt --check lists an unformatted file and fails; rules fmt mends it', async (t) => {
  const dir = tempDir(t)
  cpSync(RULES_DIR, dir, { recursive: true })
  const file = join(dir, 'parameters.json')
  const before = readFileSync(file, 'utf8')
  writeFileSync(file, JSON.stringify(JSON.parse(before)))
  const out: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((s: string) => { out.push(s); return true }) as typeof process.stdout.write
  let check: number, fmt: number, again: number
  try {
    check = await main(['rules', 'fmt', '--check', '--rules', dir])
    fmt = await main(['rules', 'fmt', '--rules', dir])
    again = await main(['rules', 'fmt', '--check', '--rules', dir])
  } finally { process.stdout.write = write }
  t.equal(check, 1, '--check fails')
  t.match(out.join(''), /✗ not formatted: parameters\.json\n/)
  t.equal(fmt, 0)
  t.equal(readFileSync(file, 'utf8'), before, 'formatted back to the bundled layout')
  t.equal(again, 0, 'formatted: --check passes')
})

await t.test('a file that is not JSON is reported, not rewritten', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'broken.json'), '{ "a": ')
  const report = formatRulesDir(dir, false)
  t.equal(report.invalid.length, 1)
  t.equal(readFileSync(join(dir, 'broken.json'), 'utf8'), '{ "a": ')
})
