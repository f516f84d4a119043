// Corpus check (npm run test:corpus -- <dir>): real public data through the tools. `corpus`
// evaluates every bundle without an error (non-records are counted as rejected), and POST /evaluate
// answers 200 or a located 400. A folder that is missing is a failure, never a skip.

import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { runCorpus } from '../../src/cli/corpus.js'
import { NOW, bundledCatalog, testApp } from '../helper.js'
import { corpusFolder } from './corpus-dir.js'

const FOLDERS = ['synthea-r4-smart', 'fhir-r4-core-examples', 'us-core-8.0.1-examples', 'pain-mgmt-summary-r4', 'inferno-reference-server', 'synthea3-bulk-ndjson']

await t.test('corpus runs every bundle of each folder without an error', async (t) => {
  const deps = { catalog: bundledCatalog(), now: NOW, profile: 'medicare_lcd' }
  const evaluated: Record<string, number> = {}
  for (const folder of FOLDERS) {
    const report = await runCorpus(corpusFolder(folder), { order: '64493' }, deps)
    t.same(report.errors, [], `${folder}: no errors`)
    t.equal(report.evaluated + report.rejected.length, report.bundles, `${folder}: every bundle evaluated or rejected`)
    evaluated[folder] = report.evaluated
    if (folder === 'synthea-r4-smart') {
      t.equal(report.evaluated, 16, 'the 16 Synthea patients are records; hospital/practitioner bundles are not')
      t.equal(report.cards['SUIT-01'], 16, 'no Synthea patient has a pain score: SUIT-01 fires on a facet order for each')
    }
  }
  t.equal(evaluated['synthea3-bulk-ndjson'], 2, 'bulk NDJSON grouped into its 2 patients')
  t.ok((evaluated['pain-mgmt-summary-r4'] ?? 0) > 0 && (evaluated['inferno-reference-server'] ?? 0) > 0)
})

await t.test('POST /evaluate on a sample: 200 with cards or a located 400, never a 5xx', async (t) => {
  const { app } = await testApp(t)
  for (const folder of FOLDERS.filter((f) => f !== 'synthea3-bulk-ndjson')) {
    const files = readdirSync(corpusFolder(folder)).filter((f) => f.endsWith('.json')).sort().slice(0, 6)
    for (const file of files) {
      const res = await app.inject({ method: 'POST', url: '/evaluate?explain=true', headers: { 'content-type': 'application/json' }, payload: readFileSync(`${corpusFolder(folder)}/${file}`, 'utf8') })
      const body = res.json()
      if (res.statusCode === 200) {
        t.ok(Array.isArray(body.cards) && Array.isArray(body.explain.variants), `${folder}/${file}: cards and explanation`)
      } else {
        t.equal(res.statusCode, 400, `${folder}/${file}: 400`)
        t.equal(body.resourceType, 'OperationOutcome')
        t.ok(body.issue.every((i: { expression?: string[] }) => (i.expression?.[0] ?? '') !== ''), `${folder}/${file}: located`)
      }
    }
  }
})
