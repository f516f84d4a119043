// The query of GET /feedback/timeseries: `since` as a date, an instant or a number of days back
// (`30d`, the default), `bucket` day or week, an optional rule id. Located errors.

import { DomainError } from '../errors.js'
import type { TimeseriesQuery } from '../store/types.js'
import { parseSince } from './feedback.js'

const DAYS_BACK = /^(\d{1,4})d$/
const DAY_MS = 86_400_000
/** A chart of more points than this is unreadable, and the query would scan years of cards. */
export const MAX_BUCKETS = 400

export function timeseriesQuery (q: { since?: string, bucket?: string, rule?: string }, now: Date): TimeseriesQuery {
  const bucket = q.bucket ?? 'day'
  if (bucket !== 'day' && bucket !== 'week') {
    throw new DomainError('invalid-request', `bucket "${bucket}" is not day or week`, [{ expression: 'bucket', diagnostics: 'bucket must be day or week' }])
  }
  const raw = q.since ?? '30d'
  const back = DAYS_BACK.exec(raw)
  let since: string
  if (back !== null) {
    since = new Date(now.getTime() - Number(back[1]) * DAY_MS).toISOString()
  } else {
    try {
      since = parseSince(raw) as string
    } catch {
      throw new DomainError('invalid-request', 'since is invalid', [{ expression: 'since', diagnostics: 'since must be a number of days back (30d), a date (2026-11-01) or an RFC 3339 instant (2026-11-01T00:00:00Z)' }])
    }
  }
  const until = now.toISOString()
  if (since > until) {
    throw new DomainError('invalid-request', 'since is in the future', [{ expression: 'since', diagnostics: `since (${since}) must not be after now (${until})` }])
  }
  const buckets = Math.ceil((Date.parse(until) - Date.parse(since)) / (bucket === 'day' ? DAY_MS : 7 * DAY_MS)) + 1
  if (buckets > MAX_BUCKETS) {
    throw new DomainError('invalid-request', `${buckets} ${bucket} buckets asked for`, [{ expression: 'since', diagnostics: `since gives ${buckets} ${bucket} buckets; at most ${MAX_BUCKETS}${bucket === 'day' ? ' (use bucket=week)' : ''}` }])
  }
  return { since, until, bucket, ...(q.rule === undefined ? {} : { rule: q.rule }) }
}
