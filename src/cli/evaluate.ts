// `evaluate <bundle.json>`: one bundle, offline, through the same path as POST /evaluate; cards
// as a table (or JSON), with --explain every rule's outcome and each condition's values.

import { readFileSync } from 'node:fs'
import { type BundleOptions, evaluateBundle } from '../cds/evaluate-bundle.js'
import type { Catalog } from '../rules/compiled.js'
import { cardsTable, errorText, explanationText } from './format.js'

export interface Out { out: (s: string) => void, err: (s: string) => void }

/** Exit code: 0 = evaluated, 1 = the file or bundle is not usable (located message on stderr). */
export async function evaluateFile (
  file: string,
  opts: BundleOptions & { json?: boolean },
  deps: { catalog: Catalog, now: Date, profile: string },
  io: Out
): Promise<number> {
  let body: unknown
  try {
    body = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    io.err(e.code === 'ENOENT' ? `${file}: no such file\n` : e.code === 'EISDIR' ? `${file}: is a folder (use: corpus ${file})\n` : e instanceof SyntaxError ? `${file}: not valid JSON: ${e.message}\n` : `${file}: cannot read: ${e.message}\n`)
    return 1
  }
  let n = 0
  try {
    const result = await evaluateBundle(body, opts, { ...deps, newId: () => `cli-${++n}` })
    if (opts.json === true) { io.out(JSON.stringify(result, null, 2) + '\n'); return 0 }
    io.out(cardsTable(result.cards))
    if (result.explain !== undefined) {
      const ex = result.explain
      io.out(`\n${ex.hook} (${ex.service ?? 'no service'}) · profile ${ex.profile} · now ${ex.now} · patient ${ex.patientId} · ${ex.resources} resources, ${ex.draftOrders} draft order(s) · catalog ${ex.catalog}\n\n`)
      io.out(explanationText(ex))
    }
    return 0
  } catch (err) {
    io.err(errorText(err, file))
    return 1
  }
}
