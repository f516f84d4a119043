// Command line, offline (no server): `rules check` validates the catalog, `rules test [ID]` runs
// the rule cases. Exit code 0 = all good, 1 = problems or failing cases, 2 = usage.

import { fileURLToPath } from 'node:url'
import { loadCatalog } from './rules/catalog.js'
import { CatalogError, formatProblem } from './rules/catalog-problems.js'
import { runAllCases } from './rules/case-runner.js'
import { FEEDBACK_USAGE, feedbackCommand } from './feedback/cli.js'

const DEFAULT_RULES = fileURLToPath(new URL('../rules/', import.meta.url))

function usage (): number {
  process.stderr.write(`usage: facet-pt-cds rules check [--rules DIR]\n       facet-pt-cds rules test [RULE-ID] [--rules DIR]\n${FEEDBACK_USAGE.replace('usage: ', '       ')}`)
  return 2
}

export async function main (argv: string[]): Promise<number> {
  if (argv[0] === 'feedback') return await feedbackCommand(argv.slice(1), process.env, (s) => process.stdout.write(s))
  const args = [...argv]
  const at = args.indexOf('--rules')
  const dir = at >= 0 ? args.splice(at, 2)[1] ?? DEFAULT_RULES : DEFAULT_RULES
  const [group, command, filter] = args
  if (group !== 'rules' || (command !== 'check' && command !== 'test')) return usage()
  let catalog
  try {
    catalog = loadCatalog(dir, new Date())
  } catch (err) {
    if (!(err instanceof CatalogError)) throw err
    for (const p of err.problems) process.stdout.write(`✗ ${formatProblem(p)}\n`)
    process.stdout.write(`${err.problems.length} problem(s) in ${dir}\n`)
    return 1
  }
  if (command === 'check') {
    const cases = catalog.content.rules.reduce((n, r) => n + (r.cases?.cases.length ?? 0), 0)
    process.stdout.write(`✓ ${catalog.content.rules.length} rules, ${catalog.valueSets.size} value sets, ${Object.keys(catalog.content.parameters.parameters).length} parameters, ${cases} cases — catalog ${catalog.hash} is valid\n`)
    return 0
  }
  const results = await runAllCases(catalog, filter)
  if (results.length === 0) { process.stdout.write(`no cases${filter === undefined ? '' : ` for ${filter}`}\n`); return 1 }
  for (const r of results) {
    const mark = r.status === 'pass' ? '✓' : r.status === 'skip' ? '-' : '✗'
    process.stdout.write(`${mark} ${r.rule}: ${r.name}${r.message === undefined ? '' : ` — ${r.message}`}\n`)
  }
  const failed = results.filter((r) => r.status === 'fail').length
  const skipped = results.filter((r) => r.status === 'skip').length
  process.stdout.write(`${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped\n`)
  return failed > 0 ? 1 : 0
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (err: unknown) => {
    process.stderr.write(`facet-pt-cds: ${err instanceof Error ? err.message : String(err)}\n`)
    process.exitCode = 1
  })
}
