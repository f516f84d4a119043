// The feedback time series (GET /feedback/timeseries), for SQLite and PostgreSQL alike: cards
// issued per rule, version and UTC day, with each card's feedback outcome counted as the summary
// counts it (perCardSql: any accepted entry = accepted, else the latest entry decides and gives the
// override reason). Days are folded into weeks (Monday, UTC) and empty buckets filled here.

import { perCardSql, TOP_REASONS } from './sql.js'
import type { FeedbackTimeseries, ReasonCount, RuleVersionSeries, TimeseriesPoint, TimeseriesQuery } from './types.js'

type Row = Record<string, unknown>
const DAY_MS = 86_400_000

/** The start (UTC midnight; Monday for weeks) of the bucket holding `iso`. */
export function bucketStart (iso: string, bucket: 'day' | 'week'): string {
  const day = new Date(`${iso.slice(0, 10)}T00:00:00.000Z`)
  if (bucket === 'week') day.setTime(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS)
  return day.toISOString()
}

/** Bucket starts from `since` to `until`, both aligned. */
export function bucketStarts (since: string, until: string, bucket: 'day' | 'week'): string[] {
  const step = bucket === 'day' ? DAY_MS : 7 * DAY_MS
  const out: string[] = []
  const last = Date.parse(bucketStart(until, bucket))
  for (let t = Date.parse(bucketStart(since, bucket)); t <= last; t += step) out.push(new Date(t).toISOString())
  return out
}

export function timeseriesStatement (q: TimeseriesQuery): { sql: string, params: unknown[] } {
  const params: unknown[] = [bucketStart(q.since, q.bucket), q.until]
  const rule = q.rule === undefined ? '' : ' AND c.rule_id = ?'
  if (q.rule !== undefined) params.push(q.rule)
  return {
    sql: `SELECT c.rule_id, c.rule_version, substr(c.issued_at, 1, 10) AS day, f.any_accepted,
        f.reason_system, f.reason_code, f.reason_display, COUNT(*) AS n
      FROM issued_cards c LEFT JOIN (${perCardSql(' WHERE known = 1')}) f ON f.card_uuid = c.card_uuid AND f.latest = 1
      WHERE c.issued_at >= ? AND c.issued_at <= ?${rule}
      GROUP BY 1, 2, 3, 4, 5, 6, 7`,
    params
  }
}

const rate = (p: TimeseriesPoint): number | null => {
  const responded = p.accepted + p.overridden
  return responded === 0 ? null : Math.round((p.overridden / responded) * 1000) / 1000
}

export function assembleTimeseries (q: TimeseriesQuery, rows: Row[]): FeedbackTimeseries {
  const starts = bucketStarts(q.since, q.until, q.bucket)
  interface Entry { s: RuleVersionSeries, byStart: Map<string, TimeseriesPoint>, reasons: Map<string, ReasonCount> }
  const series = new Map<string, Entry>()
  for (const r of rows) {
    const key = `${String(r.rule_id)}@${String(r.rule_version)}`
    let e = series.get(key)
    if (e === undefined) {
      const points = starts.map((start) => ({ start, shown: 0, accepted: 0, overridden: 0, overrideRate: null }))
      e = {
        s: { rule: String(r.rule_id), version: String(r.rule_version), points, topOverrideReasons: [] },
        byStart: new Map(points.map((p) => [p.start, p])),
        reasons: new Map()
      }
      series.set(key, e)
    }
    const point = e.byStart.get(bucketStart(String(r.day), q.bucket))
    if (point === undefined) continue
    const n = Number(r.n)
    point.shown += n
    if (r.any_accepted === null || r.any_accepted === undefined) continue
    if (Number(r.any_accepted) === 1) { point.accepted += n; continue }
    point.overridden += n
    const code = r.reason_code === null || r.reason_code === undefined ? '(none)' : String(r.reason_code)
    const reasonKey = `${String(r.reason_system)}|${code}`
    const reason = e.reasons.get(reasonKey) ?? {
      code,
      ...(r.reason_system === null || r.reason_system === undefined ? {} : { system: String(r.reason_system) }),
      ...(code === '(none)' ? { display: 'no reason given' } : r.reason_display === null || r.reason_display === undefined ? {} : { display: String(r.reason_display) }),
      count: 0
    }
    reason.count += n
    e.reasons.set(reasonKey, reason)
  }
  for (const e of series.values()) {
    for (const p of e.s.points) p.overrideRate = rate(p)
    e.s.topOverrideReasons = [...e.reasons.values()]
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
      .slice(0, TOP_REASONS)
  }
  return {
    bucket: q.bucket,
    since: bucketStart(q.since, q.bucket),
    series: [...series.values()].map((e) => e.s)
      .sort((a, b) => a.rule.localeCompare(b.rule) || a.version.localeCompare(b.version))
  }
}

export async function runTimeseries (q: TimeseriesQuery,
  all: (sql: string, params: unknown[]) => Row[] | Promise<Row[]>): Promise<FeedbackTimeseries> {
  const st = timeseriesStatement(q)
  return assembleTimeseries(q, await all(st.sql, st.params))
}
