// The generic rule-case test (STYLE.md): every rule has cases, every case runs through the
// real evaluation path and must give (or not give) the rule's card.

import { fileURLToPath } from 'node:url'
import t from 'tap'
import { loadCatalog } from '../src/rules/catalog.js'
import { runCase } from '../src/authoring/case-runner.js'

const RULES_DIR = fileURLToPath(new URL('../rules/', import.meta.url))
const catalog = loadCatalog(RULES_DIR, new Date())

t.ok(catalog.content.rules.length > 0, 'the catalog has rules')
for (const rc of catalog.content.rules) {
  t.ok(rc.cases !== undefined, `${rc.file} has a cases file`)
  for (const c of rc.cases?.cases ?? []) {
    const service = [...catalog.services.values()].find((s) => s.hook === (c.hook ?? rc.rule.hooks[0]))?.id ?? 'record'
    const name = `${service}/${rc.rule.id}: ${c.name}`
    if (c.skip !== undefined) { await t.test(name, { skip: c.skip }, () => {}); continue }
    await t.test(name, async (t) => {
      const result = await runCase(catalog, rc, c)
      t.equal(result.status, 'pass', result.message ?? 'case passes')
      if (c.expect.fires && c.expect.card !== undefined) t.match(result.ruleCards[0], c.expect.card, 'card matches')
      for (const card of result.cards) t.ok(card.summary.length < 140, `summary under 140 chars: ${card.summary}`)
    })
  }
}
