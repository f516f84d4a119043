// Command line, offline (no server): `rules check`, `rules test [ID]`, `rules doc [--check]`, `rules fmt [--check]`,
// `evaluate <bundle.json>`, `replay <hook-request.json>`, `corpus <dir>`.
// Exit code 0 = all good, 1 = problems / failing cases / unusable input, 2 = usage.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { evaluateFile } from './evaluate.js'
import { replayFile } from './replay.js'
import { corpusText, runCorpus } from './corpus.js'
import { errorText } from './format.js'
import { parseNow } from '../cds/evaluate-bundle.js'
import { profileOf } from '../cds/evaluate.js'
import { loadCatalog } from '../rules/catalog.js'
import { CatalogError, formatProblem } from '../rules/catalog-problems.js'
import { runAllCases } from '../authoring/case-runner.js'
import type { Catalog } from '../rules/compiled.js'
import { dataRequirements } from '../authoring/data-requirements.js'
import { FEEDBACK_USAGE, feedbackCommand } from './feedback.js'
import { factSection, withFactSection } from '../rules/fact-doc.js'
import { FACT_LIBRARY } from '../rules/facts/index.js'
import { formatRulesDir } from '../rules/format-json.js'

const DEFAULT_RULES = fileURLToPath(new URL('../../rules/', import.meta.url))
const out = (s: string): void => { process.stdout.write(s) }
const err = (s: string): void => { process.stderr.write(s) }

const USAGE = `usage: facet-pt-cds rules check [--rules DIR]
       facet-pt-cds rules doc [--check] [--rules DIR]  (rewrites the fact section of DIR/README.md,
                                                     prints docs/data-requirements.md; --check: exit 1 when stale)
       facet-pt-cds rules test [RULE-ID] [--rules DIR]
       facet-pt-cds rules fmt [--check] [--rules DIR]  (one layout for every JSON file; --check only lists)
       facet-pt-cds evaluate <bundle.json> [--hook H] [--service ID] [--now ISO] [--profile P] [--explain] [--json] [--rules DIR]
       facet-pt-cds replay <hook-request.json> [--service ID] [--now ISO] [--profile P] [--explain] [--json] [--rules DIR]
                                                    (a captured CDS Hooks request, or a JSON array of them, answered
                                                     from its prefetch alone; the fhirServer is never contacted)
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
  check: { type: 'boolean' },
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

/** `rules fmt`: needs no valid catalog, only JSON files. */
function fmtCommand (dir: string, check: boolean): number {
  const report = formatRulesDir(dir, check)
  for (const line of report.invalid) out(`✗ ${line}\n`)
  for (const file of report.unformatted) out(`${check ? '✗ not formatted' : 'formatted'}: ${file}\n`)
  const verb = check ? 'need formatting' : 'reformatted'
  out(`${report.files} files, ${report.unformatted.length} ${verb}${report.invalid.length > 0 ? `, ${report.invalid.length} not valid JSON` : ''}` +
    `${check && report.unformatted.length > 0 ? ' (run: facet-pt-cds rules fmt)' : ''}\n`)
  return report.invalid.length > 0 || (check && report.unformatted.length > 0) ? 1 : 0
}

/** Rewrites (or with `check` only compares) the generated fact section of the catalog's README. */
function factDoc (catalog: Catalog, check: boolean): number {
  const file = join(catalog.content.dir, 'README.md')
  const readme = readFileSync(file, 'utf8')
  let fresh: string
  try {
    fresh = withFactSection(readme, factSection(FACT_LIBRARY.values(), catalog.content.facts))
  } catch (e) {
    err(`${file}: ${(e as Error).message}\n`)
    return 1
  }
  if (fresh === readme) return 0
  if (check) { err(`${file}: the fact section is out of date; run: npx facet-pt-cds rules doc\n`); return 1 }
  writeFileSync(file, fresh)
  err(`${file}: fact section rewritten\n`)
  return 0
}

async function rulesCommand (
  command: string | undefined,
  filter: string | undefined,
  catalog: Catalog,
  check: boolean
): Promise<number> {
  if (command === 'doc') {
    const code = factDoc(catalog, check)
    if (!check) out(dataRequirements(catalog))
    return code
  }
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
  const known = command === 'rules' ? ['check', 'test', 'doc', 'fmt'].includes(arg ?? '') : ['evaluate', 'replay', 'corpus'].includes(command)
  if (!known) return usage(`unknown command "${positionals.join(' ')}"`)
  if (v.check === true && !(command === 'rules' && (arg === 'fmt' || arg === 'doc'))) {
    return usage('--check belongs to rules doc and rules fmt')
  }
  if (command === 'rules' && arg === 'fmt') return extra === undefined ? fmtCommand(v.rules ?? DEFAULT_RULES, v.check === true) : usage('rules fmt takes no argument')
  if (command !== 'rules' && (arg === undefined || extra !== undefined)) {
    return usage(`${command} takes exactly one ${command === 'evaluate' ? 'bundle file' : command === 'replay' ? 'hook request file' : 'folder'}`)
  }
  if (command === 'replay' && (v.hook !== undefined || v.order !== undefined)) return usage('replay takes the hook from the request; --hook and --order do not apply')
  const catalog = catalogFrom(v.rules ?? DEFAULT_RULES)
  if (catalog === undefined) return 1
  if (command === 'rules') return await rulesCommand(arg, extra, catalog, v.check === true)
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
  if (command === 'replay') {
    const replayOpts = {
      ...(v.service === undefined ? {} : { service: v.service }),
      ...(v.explain === true ? { explain: true } : {}),
      ...(v.json === true ? { json: true } : {})
    }
    return await replayFile(arg as string, replayOpts, deps, { out, err })
  }
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
