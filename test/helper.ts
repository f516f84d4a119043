// Test helpers: the app built from the bundled rules with a fixed clock and counter ids, and a
// log sink to assert on what reaches the logs.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { buildApp, type App } from '../src/app.js'
import { main } from '../src/cli/main.js'
import { type Config, testConfig } from '../src/config.js'
import { loadCatalog } from '../src/rules/catalog.js'
import type { Catalog } from '../src/rules/compiled.js'
import { CatalogError, type CatalogProblem } from '../src/rules/catalog-problems.js'
import type { FhirFetcher } from '../src/fhir/fetcher.js'
import type { Metrics } from '../src/metrics.js'
import type { Store } from '../src/store/types.js'

export const RULES_DIR = fileURLToPath(new URL('../rules/', import.meta.url))
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
export const NOW = new Date('2026-11-29T10:00:00Z')

let cached: Catalog | undefined
export function bundledCatalog (): Catalog {
  cached ??= loadCatalog(RULES_DIR, NOW)
  return cached
}

export class LogSink extends Writable {
  lines: string[] = []
  override _write (chunk: Buffer, _enc: string, cb: () => void): void { this.lines.push(chunk.toString()); cb() }
  get text (): string { return this.lines.join('') }
}

/** The default FHIR fallback in tests: a server that is never reachable, so no test leaves the
 *  machine; tests of the fallback pass their own fetcher against a loopback mock server. */
export const OFFLINE_FETCHER: FhirFetcher = {
  async fetch ({ queries }) { return new Map(queries.map((q) => [q.key, new Error('offline: tests start their own FHIR server')])) }
}

/** What a helper needs of a tap test: a place to register clean-up for when it ends. */
export interface TestScope { teardown: (fn: () => void | Promise<void>) => void }

export interface TestAppOptions {
  config?: Partial<Config>
  logs?: LogSink
  fetcher?: FhirFetcher
  catalog?: Catalog
  store?: Store
  clock?: () => Date
  metrics?: Metrics
  now?: Date
}

/** The app of the bundled rules (or `opts`), closed when test `t` ends. */
export async function testApp (t: TestScope, opts: TestAppOptions = {}): Promise<App> {
  let n = 0
  const now = opts.now ?? NOW
  const built = await buildApp({
    // A throwaway in-memory SQLite store unless the test names one.
    config: testConfig({ DATABASE_URL: 'sqlite::memory:', ...(opts.logs === undefined ? {} : { LOG_LEVEL: 'info' }), ...opts.config }),
    catalog: opts.catalog ?? bundledCatalog(),
    clock: opts.clock ?? (() => now),
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    ...(opts.logs === undefined ? {} : { logStream: opts.logs }),
    fetcher: opts.fetcher ?? OFFLINE_FETCHER,
    ...(opts.store === undefined ? {} : { store: opts.store }),
    ...(opts.metrics === undefined ? {} : { metrics: opts.metrics })
  })
  t.teardown(async () => { await built.app.close() })
  return built
}

/** A temp directory removed when the test ends. */
export function tempDir (t: TestScope): string {
  const dir = mkdtempSync(join(tmpdir(), 'facet-pt-cds-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

/** The PostgreSQL URL the tests may use (set by .ci/run), or undefined: those tests then skip. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL === '' ? undefined : process.env.TEST_POSTGRES_URL

/** The problems loading a copy of the bundled rules reports after `edit` changed one rule file ([] = loads). */
export function catalogProblemsAfter (t: TestScope, file: string, edit: (rule: any) => void): CatalogProblem[] {
  return catalogProblemsAfterText(t, file, (text) => {
    const rule = JSON.parse(text)
    edit(rule)
    return JSON.stringify(rule)
  })
}

/** The same after a text edit of one file (for JSON syntax errors and layouts). */
export function catalogProblemsAfterText (
  t: TestScope, file: string, edit: (text: string) => string
): CatalogProblem[] {
  const dir = tempDir(t)
  cpSync(RULES_DIR, dir, { recursive: true })
  const path = join(dir, file)
  writeFileSync(path, edit(readFileSync(path, 'utf8')))
  try {
    loadCatalog(dir, NOW)
  } catch (err) {
    if (err instanceof CatalogError) return err.problems
    throw err
  }
  return []
}

/** Runs the CLI in-process (its `main`), capturing what it writes to stdout and stderr. */
export async function runCli (...argv: string[]): Promise<{ code: number, out: string, err: string }> {
  const out: string[] = []
  const err: string[] = []
  const write = { out: process.stdout.write, err: process.stderr.write }
  process.stdout.write = ((s: string) => { out.push(String(s)); return true }) as typeof process.stdout.write
  process.stderr.write = ((s: string) => { err.push(String(s)); return true }) as typeof process.stderr.write
  try {
    const code = await main(argv)
    return { code, out: out.join(''), err: err.join('') }
  } finally {
    process.stdout.write = write.out
    process.stderr.write = write.err
  }
}
