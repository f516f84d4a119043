// Which store failures are worth retrying. A transient failure (disk, lock, connection, the file
// gone) is retried with backoff; a permanent one (the row itself is refused: constraint, bad
// data) would fail forever, so the queue isolates the row and gives it up.

/** Thrown by the SQLite store when its path no longer names the open file (deleted or replaced). */
export class StoreFileChangedError extends Error {
  readonly code = 'STORE_FILE_CHANGED'
}

const SQLITE_PERMANENT = /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/
/** PostgreSQL SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation). */
const PG_PERMANENT = /^2[23][0-9A-Z]{3}$/

/** True when the same write would fail again whatever the state of the store. */
export function isPermanentStoreError (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return false
  return SQLITE_PERMANENT.test(code) || PG_PERMANENT.test(code)
}

/** A short, row-free description of a store error for logs and /readyz (driver messages can echo values). */
export function storeErrorCode (err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && code !== '' ? code : (err instanceof Error ? err.name : 'Error')
}
