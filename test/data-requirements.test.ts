// docs/data-requirements.md is generated from the catalog; it must match what the rules read now.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { dataRequirements } from '../src/authoring/data-requirements.js'
import { bundledCatalog } from './helper.js'

await t.test('docs/data-requirements.md is up to date with rules/', async (t) => {
  const committed = readFileSync(new URL('../docs/data-requirements.md', import.meta.url), 'utf8')
  const doc = dataRequirements(bundledCatalog())
  t.equal(committed, doc, 'regenerate: npx tsx src/cli/main.ts rules doc > docs/data-requirements.md')
  for (const s of bundledCatalog().services.values()) t.match(doc, `## Service \`${s.id}\``)
  t.match(doc, /\| SUIT-01 \| Missing baseline pain score \| Observation \| pain-scores \| PAIN_SCORE_LOOKBACK_DAYS \|/)
})
