// `replay <hook-request.json>`: a captured CDS Hooks request (or a JSON array of them) answered
// offline exactly as the service answers it, from its prefetch alone; cards as `evaluate` prints
// them (or the exact response JSON), with a note on what the live service would have fetched.

import { readFileSync } from 'node:fs'
import { type HookReplay, type ReplayOptions, replayHook } from '../cds/replay-hook.js'
import type { Catalog } from '../rules/compiled.js'
import type { Out } from './evaluate.js'
import { cardsTable, errorText, explanationText } from './format.js'

/** What the replay could not see, in words: absent keys, where the live service would get them, unjudged rules. */
export function replayNotes (r: HookReplay): string {
  const out: string[] = []
  if (r.absentKeys.length > 0) {
    const where = r.fhirServer === undefined
      ? 'the capture names no fhirServer, so the live service could not fetch them either'
      : `the live service would fetch them from ${r.fhirServer} (a replay never does)`
    out.push(`note: prefetch not in the capture: ${r.absentKeys.join(', ')} — ${where}: replayed as data unavailable`)
  }
  const other = r.unavailableKeys.filter((k) => !r.absentKeys.includes(k))
  if (other.length > 0) out.push(`note: prefetch unavailable in the capture (EHR error or unfetched next page): ${other.join(', ')}`)
  if (r.unjudged.length > 0) {
    out.push(`note: ${r.unjudged.length} rule(s) could not be judged (data unavailable): ` +
      r.unjudged.map((u) => `${u.rule} (${u.missingTypes.join(', ')})`).join(', '))
  }
  return out.length === 0 ? '' : out.join('\n') + '\n'
}

function replayText (r: HookReplay, heading: string | undefined): string {
  let s = heading === undefined ? '' : `== ${heading}: ${r.hook} ${r.hookInstance} → ${r.service}\n`
  s += cardsTable(r.response.cards)
  s += replayNotes(r)
  if (r.explain !== undefined) {
    const ex = r.explain
    s += `\n${r.hook} (${r.service}) · profile ${r.profile} · now ${ex.now} · patient ${ex.patientId} · catalog ${ex.catalog}\n\n`
    s += explanationText(ex)
  }
  return s
}

function readJson (file: string, io: Out): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    io.err(e.code === 'ENOENT' ? `${file}: no such file\n` : e.code === 'EISDIR' ? `${file}: is a folder (use: corpus ${file})\n` : e instanceof SyntaxError ? `${file}: not valid JSON: ${e.message}\n` : `${file}: cannot read: ${e.message}\n`)
    return undefined
  }
}

/** Exit code: 0 = every request replayed, 1 = the file, or one of its requests, is not usable (located on stderr). */
export async function replayFile (
  file: string,
  opts: ReplayOptions & { json?: boolean },
  deps: { catalog: Catalog, now: Date, profile: string },
  io: Out
): Promise<number> {
  const body = readJson(file, io)
  if (body === undefined) return 1
  const many = Array.isArray(body)
  const requests: unknown[] = many ? body : [body]
  if (requests.length === 0) { io.err(`${file}: an empty array holds no request to replay\n`); return 1 }
  let n = 0
  let code = 0
  const responses: unknown[] = []
  for (const [i, request] of requests.entries()) {
    const where = many ? `${file}[${i}]` : file
    try {
      const r = await replayHook(request, opts, { ...deps, newId: () => `replay-${++n}` })
      if (opts.json === true) {
        responses.push(r.response)
        io.err(replayNotes(r).replace(/^note/gm, `${where}: note`))
      } else {
        io.out((many && i > 0 ? '\n' : '') + replayText(r, many ? `[${i}]` : undefined))
      }
    } catch (err) {
      io.err(errorText(err, where))
      responses.push(null)
      code = 1
    }
  }
  if (opts.json === true && (many || code === 0)) io.out(JSON.stringify(many ? responses : responses[0], null, 2) + '\n')
  return code
}
