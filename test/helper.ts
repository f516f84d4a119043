// Test helpers: the app built from the bundled rules with a fixed clock and counter ids, and a
// log sink to assert on what reaches the logs.

import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { buildApp, type App } from '../src/app.js'
import { type Config, testConfig } from '../src/config.js'
import { loadCatalog } from '../src/rules/catalog.js'
import type { Catalog } from '../src/rules/compiled.js'
import type { FhirFetcher } from '../src/cds/prefetch.js'

export const RULES_DIR = fileURLToPath(new URL('../rules/', import.meta.url))
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
export const SHARED_DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url))
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

export async function testApp (opts: { config?: Partial<Config>, logs?: LogSink, fetcher?: FhirFetcher, catalog?: Catalog, now?: Date } = {}): Promise<App> {
  let n = 0
  const now = opts.now ?? NOW
  return await buildApp({
    config: testConfig({ ...(opts.logs === undefined ? {} : { LOG_LEVEL: 'info' }), ...opts.config }),
    catalog: opts.catalog ?? bundledCatalog(),
    clock: () => now,
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    ...(opts.logs === undefined ? {} : { logStream: opts.logs }),
    ...(opts.fetcher === undefined ? {} : { fetcher: opts.fetcher })
  })
}
