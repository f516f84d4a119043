// The CLI, offline: evaluate prints a card table (or JSON, or the explanation), corpus counts
// cards per rule and survives bad files, and every mistake is a located message with exit 1/2.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { FIXTURES, runCli } from './helper.js'

const run = runCli

const TX = `${FIXTURES}bundles/transaction-urn-uuid-contained.json`
const NOW = ['--now', '2026-11-29T10:00:00Z']

await t.test('evaluate prints cards as a table, JSON or with reasons', async (t) => {
  const table = await run('evaluate', TX, ...NOW)
  t.equal(table.code, 0)
  t.match(table.out, /^INDICATOR\s+RULE\s+SUMMARY\n/)
  t.match(table.out, /warning\s+SAFE-01\/a-high\s+Patient on apixaban/)
  const json = await run('evaluate', TX, ...NOW, '--json')
  t.same(JSON.parse(json.out).cards.map((c: any) => c.extension['org.facet-pt-cds'].rule).sort(), ['SAFE-01', 'SUIT-01', 'SUIT-02', 'SUIT-04'])
  const explained = await run('evaluate', TX, ...NOW, '--explain')
  t.match(explained.out, /● SAFE-01\/a-high\s+fired/)
  t.match(explained.out, /✓ \/all\/0\s+antithrombotics \$\.found equal true {2}← true/)
  t.match(explained.out, /facts that found no data:\n(.|\n)*latestPainScore \{"lookbackDays":30\}/)
  const pv = await run('evaluate', TX, ...NOW, '--hook', 'patient-view')
  t.equal(pv.out, 'no cards\n')
})

await t.test('evaluate: bad input is a located message, never a stack trace', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'facet-cli-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  writeFileSync(join(dir, 'broken.json'), '{"resourceType": "Bundle",')
  writeFileSync(join(dir, 'obs.json'), '{"resourceType": "Observation", "id": "x"}')
  writeFileSync(join(dir, 'two.json'), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'a' } }, { resource: { resourceType: 'Patient', id: 'b' } }] }))
  const cases: Array<[string[], number, RegExp]> = [
    [['evaluate', join(dir, 'missing.json')], 1, /missing\.json: no such file/],
    [['evaluate', join(dir, 'broken.json')], 1, /broken\.json: not valid JSON/],
    [['evaluate', join(dir, 'obs.json')], 1, /obs\.json: the body is not a Bundle\n {2}at resourceType: resourceType must be "Bundle"/],
    [['evaluate', join(dir, 'two.json')], 1, /at Bundle\.entry\[1\]\.resource: the Bundle must hold exactly one Patient/],
    [['evaluate', dir], 1, /is a folder/],
    [['evaluate', TX, '--now', 'soon'], 2, /at now: now must be an ISO 8601 date-time/],
    [['evaluate', TX, '--profile', 'nope'], 2, /at profile: profile must be one of medicare_lcd/],
    [['evaluate', TX, '--hook', 'nope'], 1, /at hook: hook must be one of/],
    [['evaluate', TX, '--frobnicate'], 2, /Unknown option '--frobnicate'/],
    [['evaluate'], 2, /evaluate takes exactly one bundle file/],
    [['nope'], 2, /unknown command "nope"/],
    [['corpus', join(dir, 'none')], 1, /none: no such folder/]
  ]
  for (const [argv, code, message] of cases) {
    const r = await run(...argv)
    t.equal(r.code, code, `${argv.join(' ')} → exit ${code}`)
    t.match(r.err, message)
    t.notMatch(r.err, /\n\s+at .*\.(ts|js):\d+/, 'no stack trace')
  }
})

await t.test('corpus counts cards per rule and lists what it could not use', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'facet-corpus-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const bundle = (id: string): string => JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id } }] })
  writeFileSync(join(dir, 'a.json'), bundle('a'))
  writeFileSync(join(dir, 'b.json'), bundle('b'))
  writeFileSync(join(dir, 'bad.json'), '[')
  writeFileSync(join(dir, 'Patient.ndjson'), `${JSON.stringify({ resourceType: 'Patient', id: 'n1' })}\nnot json\n`)
  writeFileSync(join(dir, 'Condition.ndjson'), `${JSON.stringify({ resourceType: 'Condition', id: 'c1', subject: { reference: 'Patient/n1' } })}\n`)
  const plain = await run('corpus', dir, ...NOW)
  t.match(plain.out, /^4 bundle\(s\) in .*: 3 evaluated, 1 rejected \(not a single-patient record\), 1 error\(s\)/)
  t.match(plain.out, /no cards/)
  t.match(plain.out, /1 × not valid JSON: bad\.json/)
  t.match(plain.out, /Patient\.ndjson:2: not valid JSON/)
  t.equal(plain.code, 1, 'a bad NDJSON line is an error: exit 1')
  const ordered = await run('corpus', dir, ...NOW, '--order', '64493', '--json')
  const report = JSON.parse(ordered.out)
  t.equal(report.cards['SUIT-01'], 3, 'a hypothetical facet order for each of the 3 patients')
  t.equal(report.patients['SUIT-01'], 3)
})
