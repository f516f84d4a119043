// Corpus check (npm run test:corpus -- <dir>): real public hook requests — captured CDS Hooks
// sandbox requests and the spec's own examples — never produce a 5xx, and every non-2xx is an
// OperationOutcome. A folder that is missing is a failure, never a skip.

import { readdirSync, readFileSync } from 'node:fs'
import t from 'tap'
import { testApp } from '../helper.js'
import { corpusFolder } from './corpus-dir.js'

const SERVICE_FOR: Record<string, string> = { 'order-select': 'facet-pt-order-select', 'order-sign': 'facet-pt-order-sign', 'patient-view': 'facet-pt-patient-view' }

const dirs = ['sandbox-captured-requests', 'cds-hooks-examples', 'opioid-cds-r4-hook-requests'].map(corpusFolder)
await t.test('real hook requests never produce a 5xx', async (t) => {
  const { app } = await testApp(t)
  let posted = 0
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      // Posted as the raw text: some files are not even valid JSON, which must give a 400.
      const text = readFileSync(`${dir}/${name}`, 'utf8')
      const hook = /"hook"\s*:\s*"([a-z-]+)"/.exec(text)?.[1]
      const service = hook === undefined ? 'facet-pt-patient-view' : SERVICE_FOR[hook] ?? 'facet-pt-patient-view'
      const res = await app.inject({ method: 'POST', url: `/cds-services/${service}`, headers: { 'content-type': 'application/json' }, payload: text })
      posted++
      t.ok(res.statusCode < 500, `${name}: ${res.statusCode}`)
      if (res.statusCode !== 200) t.equal(res.json().resourceType, 'OperationOutcome', `${name}: error is an OperationOutcome`)
      else t.ok(Array.isArray(res.json().cards), `${name}: cards array`)
    }
  }
  t.ok(posted > 50, `posted ${posted} real requests`)
})
