// Evaluation order is the compiler's business: reordering the conditions of an `all` (or an
// `any`) in every rule changes neither any case's result nor the gate the compiler chooses.

import t from 'tap'
import { compileCatalog } from '../../src/rules/catalog.js'
import { readCatalogFiles } from '../../src/rules/catalog-files.js'
import { runAllCases } from '../../src/authoring/case-runner.js'
import type { Catalog } from '../../src/rules/compiled.js'
import type { CatalogContent, ConditionNode } from '../../src/rules/types.js'
import { NOW, RULES_DIR } from '../helper.js'

function reversed (node: ConditionNode): ConditionNode {
  if ('all' in node) return { all: node.all.map(reversed).reverse() }
  if ('any' in node) return { any: node.any.map(reversed).reverse() }
  if ('not' in node) return { not: reversed(node.not) }
  return node
}

function reorderedContent (content: CatalogContent): CatalogContent {
  const rules = content.rules.map((rc) => ({
    ...rc,
    rule: {
      ...rc.rule,
      ...(rc.rule.conditions === undefined ? {} : { conditions: reversed(rc.rule.conditions) }),
      ...(rc.rule.variants === undefined
        ? {}
        : { variants: rc.rule.variants.map((v) => ({ ...v, conditions: reversed(v.conditions) })) })
    }
  }))
  return { ...content, rules }
}

/** Per variant key: the gate condition (by its fact and test, not its position) of every profile. */
function gates (catalog: Catalog): Record<string, string> {
  const out: Record<string, string> = {}
  for (const profile of catalog.profiles.values()) {
    for (const r of profile.rules) {
      for (const v of r.variants) {
        const all = 'all' in v.conditions ? v.conditions.all : []
        const gate = v.engineGateIndex === undefined ? undefined : all[v.engineGateIndex]
        out[`${profile.name} ${v.key}`] = gate === undefined ? '-' : JSON.stringify({ ...gate, priority: undefined })
      }
    }
  }
  return out
}

const { content, hash } = readCatalogFiles(RULES_DIR)
const written = compileCatalog(content, hash, NOW)
const reordered = compileCatalog(reorderedContent(content), hash, NOW)

await t.test('the reordering is real', async (t) => {
  const a = written.content.rules.find((r) => r.rule.id === 'ESC-05')?.rule.variants?.[0]?.conditions
  const b = reordered.content.rules.find((r) => r.rule.id === 'ESC-05')?.rule.variants?.[0]?.conditions
  t.notSame(a, b)
})

await t.test('the same gate is chosen whatever the written order', async (t) => {
  const before = gates(written)
  t.ok(Object.values(before).filter((g) => g !== '-').length >= 20, 'most variants have a gate')
  t.same(gates(reordered), before)
})

await t.test('every rule case decides the same on the reordered pack', async (t) => {
  const a = await runAllCases(written)
  const b = await runAllCases(reordered)
  t.equal(a.length, b.length)
  t.same(b.map((r) => `${r.rule} ${r.name}: ${r.status}`), a.map((r) => `${r.rule} ${r.name}: ${r.status}`))
  t.equal(b.filter((r) => r.status === 'fail').length, 0, 'no case fails')
})
