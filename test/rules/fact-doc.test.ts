// rules/README.md's fact section is generated from the fact definitions and facts.json
// (`npx facet-pt-cds rules doc`); this fails when the committed README is out of date.

import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { main } from '../../src/cli/main.js'
import { FACTS_BEGIN, FACTS_END, factSection, withFactSection } from '../../src/rules/fact-doc.js'
import { FACT_LIBRARY } from '../../src/rules/facts/index.js'
import { bundledCatalog, RULES_DIR, tempDir } from '../helper.js'

const README = join(RULES_DIR, 'README.md')

await t.test('the fact section of rules/README.md is the generated one', async (t) => {
  const readme = readFileSync(README, 'utf8')
  const section = factSection(FACT_LIBRARY.values(), bundledCatalog().content.facts)
  t.equal(withFactSection(readme, section), readme, 'regenerate: npx facet-pt-cds rules doc')
})

await t.test('every fact, its params and every FHIRPath fact have a row', async (t) => {
  const section = factSection(FACT_LIBRARY.values(), bundledCatalog().content.facts)
  for (const [name, def] of FACT_LIBRARY) {
    const row = section.split('\n').find((l) => l.startsWith(`| \`${name}\` |`))
    t.ok(row, name)
    for (const param of Object.keys((def.params as { properties?: object }).properties ?? {})) {
      t.match(row, new RegExp(`\`${param}\\??\``), `${name} ${param}`)
    }
  }
  for (const name of Object.keys(bundledCatalog().content.facts.facts)) t.match(section, `| \`${name}\` |`, name)
})

await t.test('only the text between the markers is replaced', async (t) => {
  const readme = `# Title\n\nbefore\n\n<!-- facts:begin -->\nhand-written\n${FACTS_END}\n\nafter\n`
  t.equal(withFactSection(readme, `${FACTS_BEGIN}\nnew\n${FACTS_END}`), `# Title\n\nbefore\n\n${FACTS_BEGIN}\nnew\n${FACTS_END}\n\nafter\n`)
  t.throws(() => withFactSection('# no markers\n', 'x'), /no fact section/)
})

await t.test('rules doc --check exits 1 on a stale README and 0 on a fresh one', async (t) => {
  const dir = tempDir(t)
  cpSync(RULES_DIR, dir, { recursive: true })
  const file = join(dir, 'README.md')
  const fresh = readFileSync(file, 'utf8')
  const errors: string[] = []
  const write = process.stderr.write
  process.stderr.write = ((s: string) => { errors.push(String(s)); return true }) as typeof process.stderr.write
  try {
    writeFileSync(file, fresh.replace('| `patient` |', '| `patient` (edited by hand) |'))
    t.equal(await main(['rules', 'doc', '--check', '--rules', dir]), 1, 'stale')
    t.match(errors.join(''), /fact section is out of date/)
    writeFileSync(file, fresh)
    t.equal(await main(['rules', 'doc', '--check', '--rules', dir]), 0, 'fresh')
  } finally {
    process.stderr.write = write
  }
})
