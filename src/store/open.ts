// DATABASE_URL → a Store: `sqlite:<file>` (relative to the working directory; `sqlite::memory:`
// for a throwaway database) or `postgres://…` / `postgresql://…`. Migrations run before it is used.

import { resolve } from 'node:path'
import type { Store } from './types.js'

export class StoreUrlError extends Error {}

export type StoreTarget = { kind: 'sqlite', file: string } | { kind: 'postgres', url: string }

export function parseDatabaseUrl (url: string, cwd: string = process.cwd()): StoreTarget {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (file === '') throw new StoreUrlError('DATABASE_URL sqlite: needs a file, e.g. sqlite:./data/facet-pt-cds.db')
    return { kind: 'sqlite', file: file === ':memory:' ? file : resolve(cwd, file) }
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url }
  throw new StoreUrlError('DATABASE_URL must start with sqlite: or postgres:// (got another scheme)')
}

/** Opens and migrates the store named by the URL. */
export async function openStore (url: string, now?: () => Date): Promise<Store> {
  const target = parseDatabaseUrl(url)
  // Loaded on demand: a SQLite deployment never loads pg, and the reverse.
  const store = target.kind === 'sqlite'
    ? (await import('./sqlite.js')).openSqliteStore(target.file, now)
    : (await import('./postgres.js')).openPostgresStore(target.url, now)
  try {
    await store.migrate()
  } catch (err) {
    await store.close().catch(() => {})
    throw err
  }
  return store
}
