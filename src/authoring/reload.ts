// Reloads the rule catalog: re-read the rules directory, validate, compile, run every rule's
// cases, and swap atomically only if everything passes; otherwise the running catalog stays.
// Reloads are serialised, so two triggers (endpoint and file watcher) never interleave.

import { runAllCases } from './case-runner.js'
import { CatalogError, type CatalogProblem } from '../rules/catalog-problems.js'
import { loadCatalog } from '../rules/catalog.js'
import type { CatalogHolder } from '../rules/catalog-holder.js'
import type { Catalog } from '../rules/compiled.js'

export interface ReloadReport {
  swapped: boolean
  /** true when the files hash the same as the running catalog (nothing to do). */
  unchanged: boolean
  hash: string
  previousHash: string
  loadedAt: string
  rules: number
  cases: { passed: number, failed: number, skipped: number }
  problems: CatalogProblem[]
}

/** A refused reload: the running catalog keeps serving, with the problems that stopped the new one. */
function refused (running: Catalog, problems: CatalogProblem[]): Omit<ReloadReport, 'previousHash' | 'cases'> {
  return {
    swapped: false,
    unchanged: false,
    hash: running.hash,
    loadedAt: running.loadedAt,
    rules: running.content.rules.length,
    problems
  }
}

export class Reloader {
  private chain: Promise<unknown> = Promise.resolve()
  constructor (
    private readonly dir: string,
    private readonly holder: CatalogHolder,
    private readonly clock: () => Date,
    private readonly requiredProfile: string
  ) {}

  reload (): Promise<ReloadReport> {
    const next = this.chain.then(async () => await this.once())
    this.chain = next.catch(() => undefined)
    return next
  }

  private async once (): Promise<ReloadReport> {
    const running = this.holder.current()
    const base = { previousHash: running.hash, cases: { passed: 0, failed: 0, skipped: 0 } }
    let catalog: Catalog
    try {
      catalog = loadCatalog(this.dir, this.clock())
    } catch (err) {
      // A file vanishing mid-read (an editor's save) is a problem to report, not a server fault.
      const problems = err instanceof CatalogError ? err.problems : [{ file: this.dir, pointer: '/', message: `cannot read the rules: ${err instanceof Error ? err.message : String(err)}` }]
      return { ...refused(running, problems), ...base }
    }
    const problems: CatalogProblem[] = []
    if (!catalog.profiles.has(this.requiredProfile)) {
      problems.push({ file: 'parameters.json', pointer: '/profiles', message: `the evidence profile in force "${this.requiredProfile}" is no longer defined` })
    }
    const results = await runAllCases(catalog, undefined, { paced: true })
    for (const r of results.filter((x) => x.status === 'fail')) {
      const rc = catalog.content.rules.find((x) => x.rule.id === r.rule)
      const index = rc?.cases?.cases.findIndex((x) => x.name === r.name) ?? -1
      problems.push({ file: rc?.casesFile ?? r.rule, rule: r.rule, pointer: index >= 0 ? `/cases/${index}` : '/cases', message: `case "${r.name}" fails: ${r.message ?? ''}` })
    }
    const cases = {
      passed: results.filter((r) => r.status === 'pass').length,
      failed: results.filter((r) => r.status === 'fail').length,
      skipped: results.filter((r) => r.status === 'skip').length
    }
    if (problems.length > 0) {
      return { ...refused(running, problems), ...base, cases }
    }
    const unchanged = catalog.hash === running.hash
    if (!unchanged) this.holder.swap(catalog)
    const inForce = this.holder.current()
    return {
      ...base,
      cases,
      swapped: !unchanged,
      unchanged,
      hash: inForce.hash,
      loadedAt: inForce.loadedAt,
      rules: inForce.content.rules.length,
      problems: []
    }
  }
}
