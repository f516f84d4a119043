// npm run test:corpus -- <dir>: the corpus checks (test/corpus/*.corpus.ts) over a folder of real
// public FHIR / CDS Hooks data given on the command line. Fails, with exit code 2, when the folder is
// missing: a corpus check that cannot run is a failure, not a skip.

import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { resolve } from 'node:path'

const arg = process.argv[2]
if (arg === undefined) {
  process.stderr.write('usage: npm run test:corpus -- <dir>\n')
  process.exit(2)
}
const dir = resolve(arg)
if (!existsSync(dir) || !statSync(dir).isDirectory()) {
  process.stderr.write(`test:corpus: no such folder: ${dir}\n`)
  process.exit(2)
}
const here = new URL('./', import.meta.url).pathname
const files = readdirSync(here).filter((f) => f.endsWith('.corpus.ts')).sort().map((f) => `${here}${f}`)
const r = spawnSync('npx', ['tap', '--disable-coverage', ...process.argv.slice(3), ...files], { stdio: 'inherit', env: { ...process.env, CORPUS_DIR: dir } })
process.exit(r.status ?? 1)
