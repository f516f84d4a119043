// A fresh SQLite database for one benchmark run, removed afterwards: figures must not depend on
// how many rows earlier runs left behind (a shared file had grown to 100 MB and slowed inserts).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function freshBenchDatabase (): { url: string, remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'facet-pt-cds-bench-'))
  return { url: `sqlite:${join(dir, 'bench.db')}`, remove: () => { rmSync(dir, { recursive: true, force: true }) } }
}
