// Command line, offline (no server): `rules check`, `rules test [ID]`, `evaluate <bundle.json>`,
// `corpus <dir>`. Exit code 0 = all good, 1 = problems / failing cases / unusable input, 2 = usage.

import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { evaluateFile } from './cli/evaluate.js'
import { corpusText, runCorpus } from './cli/corpus.js'
import { errorText } from './cli/format.js'
import { parseNow } from './cds/evaluate-bundle.js'
import { profileOf } from './cds/evaluate.js'
import { loadCatalog } from './rules/catalog.js'
import { CatalogError, formatProblem } from './rules/catalog-problems.js'
import { runAllCases } from './rules/case-runner.js'
import type { Catalog } from './rules/compiled.js'
import { dataRequirements } from './rules/data-requirements.js'
import { FEEDBACK_USAGE, feedbackCommand } from './feedback/cli.js'

const DEFAULT_RULES = fileURLToPath(new URL('../rules/', import.meta.url))
const out = (s: string): void => { process.stdout.write(s) }
const err = (s: string): void => { process.stderr.write(s) }

const USAGE = `usage: facet-pt-cds rules check [--rules DIR]
       facet-pt-cds rules doc [--rules DIR]          (prints docs/data-requirements.md)
       facet-pt-cds rules test [RULE-ID] [--rules DIR]
       facet-pt-cds evaluate <bundle.json> [--hook H] [--service ID] [--now ISO] [--profile P] [--explain] [--json] [--rules DIR]
       facet-pt-cds corpus <dir> [--hook H] [--order CPT] [--now ISO] [--profile P] [--json] [--rules DIR]
`

const OPTIONS = {
  rules: { type: 'string' },
  hook: { type: 'string' },
  service: { type: 'string' },
  now: { type: 'string' },
  profile: { type: 'string' },
  order: { type: 'string' },
  explain: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' }
} as const

function usage (message?: string): number {
  if (message !== undefined) err(`facet-pt-cds: ${message}\n`)
  err(USAGE)
  err(FEEDBACK_USAGE.replace('usage: ', '       '))
  return 2
}

function catalogFrom (dir: string): Catalog | undefined {
  try {
    return loadCatalog(dir, new Date())
  } catch (e) {
    if (!(e instanceof CatalogError)) throw e
    for (const p of e.problems) out(`✗ ${formatProblem(p)}\n`)
    out(`${e.problems.length} problem(s) in ${dir}\n`)
    return undefined
  }
}

async function rulesCommand (
  command: string | undefined,
  filter: string | undefined,
  catalog: Catalog
): Promise<number> {
  if (command === 'doc') { out(dataRequirements(catalog)); return 0 }
  if (command === 'check') {
    const cases = catalog.content.rules.reduce((n, r) => n + (r.cases?.cases.length ?? 0), 0)
    out(`✓ ${catalog.content.rules.length} rules, ${catalog.valueSets.size} value sets, ${Object.keys(catalog.content.parameters.parameters).length} parameters, ${cases} cases — catalog ${catalog.hash} is valid\n`)
    return 0
  }
  const results = await runAllCases(catalog, filter)
  if (results.length === 0) { out(`no cases${filter === undefined ? '' : ` for ${filter}`}\n`); return 1 }
  for (const r of results) {
    const mark = r.status === 'pass' ? '✓' : r.status === 'skip' ? '-' : '✗'
    out(`${mark} ${r.rule}: ${r.name}${r.message === undefined ? '' : ` — ${r.message}`}\n`)
  }
  const failed = results.filter((r) => r.status === 'fail').length
  const skipped = results.filter((r) => r.status === 'skip').length
  out(`${results.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped\n`)
  return failed > 0 ? 1 : 0
}

export async function main (argv: string[]): Promise<number> {
  if (argv[0] === 'feedback') return await feedbackCommand(argv.slice(1), process.env, (s) => process.stdout.write(s))
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true })
  } catch (e) {
    return usage((e as Error).message)
  }
  const { values: v, positionals } = parsed
  const [command, arg, extra] = positionals
  if (v.help === true || command === undefined) return usage()
  const known = command === 'rules' ? arg === 'check' || arg === 'test' || arg === 'doc' : command === 'evaluate' || command === 'corpus'
  if (!known) return usage(`unknown command "${positionals.join(' ')}"`)
  if (command !== 'rules' && (arg === undefined || extra !== undefined)) return usage(`${command} takes exactly one ${command === 'evaluate' ? 'bundle file' : 'folder'}`)
  const catalog = catalogFrom(v.rules ?? DEFAULT_RULES)
  if (catalog === undefined) return 1
  if (command === 'rules') return await rulesCommand(arg, extra, catalog)
  const profile = v.profile ?? catalog.defaultProfile
  let now: Date
  try {
    profileOf(catalog, profile)
    now = parseNow(v.now, new Date())
  } catch (e) {
    err(errorText(e))
    return 2
  }
  const opts = {
    ...(v.hook === undefined ? {} : { hook: v.hook }),
    ...(v.service === undefined ? {} : { service: v.service }),
    ...(v.explain === true ? { explain: true } : {})
  }
  const deps = { catalog, now, profile }
  if (command === 'evaluate') return await evaluateFile(arg as string, { ...opts, ...(v.json === true ? { json: true } : {}) }, deps, { out, err })
  let report
  try {
    report = await runCorpus(arg as string, { ...opts, ...(v.order === undefined ? {} : { order: v.order }) }, deps)
  } catch (e) {
    err(`${String(arg)}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message}\n`)
    return 1
  }
  out(v.json === true ? JSON.stringify(report, null, 2) + '\n' : corpusText(report))
  return report.errors.length > 0 ? 1 : 0
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code }, (e: unknown) => {
    process.stderr.write(`facet-pt-cds: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exitCode = 1
  })
}
