// `facet-pt-cds feedback summary [--since DATE] [--service ID] [--db URL] [--json]`: the same
// per-rule summary as GET /feedback/summary, read from the store (DATABASE_URL by default).

import { loadConfig } from '../config.js'
import type { FeedbackSummary } from '../store/types.js'
import { DomainError } from '../errors.js'
import { parseSince } from '../feedback/feedback.js'

export const FEEDBACK_USAGE = 'usage: facet-pt-cds feedback summary [--since DATE|INSTANT] [--service ID] [--db DATABASE_URL] [--json]\n'

function option (args: string[], name: string): string | undefined {
  const at = args.indexOf(name)
  if (at < 0) return undefined
  const [, value] = args.splice(at, 2)
  return value
}

const pct = (r: number | null): string => r === null ? '-' : `${Math.round(r * 1000) / 10}%`

export function formatSummary (s: FeedbackSummary): string {
  const head = ['rule', 'shown', 'accepted', 'overridden', 'override rate', 'top override reasons',
    'events (accepted/overridden)']
  const rows = s.rules.map((r) => [
    r.rule, String(r.shown), String(r.accepted), String(r.overridden), pct(r.overrideRate),
    r.topOverrideReasons.map((x) => `${x.code ?? '(no reason)'} ×${x.count}`).join(', '),
    `${r.events.accepted}/${r.events.overridden}`])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  const scope = `since ${s.since ?? 'the beginning'}${s.service === null ? '' : `, service ${s.service}`}`
  const note = 'counts are cards — a card with an accepted suggestion counts as accepted; events = raw feedback entries'
  return [`feedback summary (${scope}; ${note})`, line(head), ...rows.map(line),
    `${s.rules.length} rule(s); ${s.unknownCardFeedback} feedback entr${s.unknownCardFeedback === 1 ? 'y' : 'ies'} about unknown cards`].join('\n') + '\n'
}

export async function feedbackCommand (
  argv: string[],
  env: Record<string, string | undefined>,
  out: (s: string) => void
): Promise<number> {
  const args = [...argv]
  const since = option(args, '--since')
  const service = option(args, '--service')
  const db = option(args, '--db')
  const json = args.includes('--json')
  const rest = args.filter((a) => a !== '--json')
  if (rest.length !== 1 || rest[0] !== 'summary') { process.stderr.write(FEEDBACK_USAGE); return 2 }
  let sinceIso: string | undefined
  try {
    sinceIso = parseSince(since)
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    process.stderr.write(`${err.issues.map((i) => i.diagnostics).join('\n')}\n`)
    return 2
  }
  const { openStore } = await import('../store/open.js')
  const store = await openStore(db ?? loadConfig(env).DATABASE_URL)
  try {
    const summary = await store.summary({
      ...(sinceIso === undefined ? {} : { since: sinceIso }),
      ...(service === undefined ? {} : { service })
    })
    out(json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary))
    return 0
  } finally {
    await store.close()
  }
}
