// SQL shared by the SQLite and PostgreSQL stores (written with `?` placeholders; the PostgreSQL
// store numbers them), the row ↔ record mapping and the assembly of the feedback summary.

import type { AuditRecord, FeedbackEntry, FeedbackSummary, IssuedCard, OverrideReasonCount, RuleSummary, StoredFeedback, SummaryQuery } from './types.js'

export const INSERT_CARD = 'INSERT INTO issued_cards (card_uuid, rule_id, variant, rule_version, service, hook_instance, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (card_uuid) DO NOTHING'
export const INSERT_AUDIT = 'INSERT INTO audit (id, at, service, hook, hook_instance, status, duration_ms, catalog_hash, rules_fired, card_uuids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING'
export const INSERT_FEEDBACK = 'INSERT INTO feedback (id, received_at, service, card_uuid, known, rule_id, rule_version, variant, outcome, accepted_suggestions, reason_system, reason_code, reason_display, user_comment, outcome_timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING'

export function cardParams (c: IssuedCard): unknown[] {
  return [c.cardUuid, c.ruleId, c.variant, c.ruleVersion, c.service, c.hookInstance, c.issuedAt]
}

export function auditParams (a: AuditRecord): unknown[] {
  return [a.id, a.at, a.service, a.hook, a.hookInstance, a.status, a.durationMs, a.catalogHash, JSON.stringify(a.rulesFired), JSON.stringify(a.cardUuids)]
}

export function feedbackParams (f: FeedbackEntry, card: { ruleId: string, ruleVersion: string, variant: string | null } | undefined): unknown[] {
  return [f.id, f.receivedAt, f.service, f.cardUuid, card === undefined ? 0 : 1, card?.ruleId ?? null, card?.ruleVersion ?? null, card?.variant ?? null,
    f.outcome, JSON.stringify(f.acceptedSuggestions), f.reasonSystem, f.reasonCode, f.reasonDisplay, f.userComment, f.outcomeTimestamp]
}

/** `SELECT … FROM issued_cards WHERE card_uuid IN (?, ?, …)` for the cards named by a feedback batch. */
export function cardsByUuidSql (n: number): string {
  return `SELECT card_uuid, rule_id, rule_version, variant FROM issued_cards WHERE card_uuid IN (${Array.from({ length: n }, () => '?').join(', ')})`
}

type Row = Record<string, unknown>
const s = (v: unknown): string | null => v === null || v === undefined ? null : String(v)

export function rowToCard (r: Row): IssuedCard {
  return { cardUuid: String(r.card_uuid), ruleId: String(r.rule_id), variant: s(r.variant), ruleVersion: String(r.rule_version), service: String(r.service), hookInstance: String(r.hook_instance), issuedAt: String(r.issued_at) }
}

export function rowToAudit (r: Row): AuditRecord {
  return {
    id: String(r.id), at: String(r.at), service: String(r.service), hook: s(r.hook), hookInstance: s(r.hook_instance), status: Number(r.status),
    durationMs: Number(r.duration_ms), catalogHash: String(r.catalog_hash), rulesFired: JSON.parse(String(r.rules_fired)) as string[], cardUuids: JSON.parse(String(r.card_uuids)) as string[]
  }
}

export function rowToFeedback (r: Row): StoredFeedback {
  return {
    id: String(r.id), receivedAt: String(r.received_at), service: String(r.service), cardUuid: String(r.card_uuid), known: Number(r.known) === 1,
    ruleId: s(r.rule_id), ruleVersion: s(r.rule_version), variant: s(r.variant), outcome: String(r.outcome) as StoredFeedback['outcome'],
    acceptedSuggestions: JSON.parse(String(r.accepted_suggestions)) as string[], reasonSystem: s(r.reason_system), reasonCode: s(r.reason_code),
    reasonDisplay: s(r.reason_display), userComment: s(r.user_comment), outcomeTimestamp: String(r.outcome_timestamp)
  }
}

export const LIST_CARDS = 'SELECT * FROM issued_cards ORDER BY issued_at, card_uuid'
export const LIST_AUDIT = 'SELECT * FROM audit ORDER BY at, id'
export const LIST_FEEDBACK = 'SELECT * FROM feedback ORDER BY received_at, id'

function where (q: SummaryQuery, timeColumn: string, extra: string[] = []): { clause: string, params: unknown[] } {
  const parts = [...extra]
  const params: unknown[] = []
  if (q.since !== undefined) { parts.push(`${timeColumn} >= ?`); params.push(q.since) }
  if (q.service !== undefined) { parts.push('service = ?'); params.push(q.service) }
  return { clause: parts.length === 0 ? '' : ` WHERE ${parts.join(' AND ')}`, params }
}

export interface SummaryStatement { sql: string, params: unknown[] }

/** The four queries the summary is assembled from. */
export function summaryStatements (q: SummaryQuery): Record<'shown' | 'outcomes' | 'reasons' | 'unknown', SummaryStatement> {
  const cards = where(q, 'issued_at')
  const known = where(q, 'received_at', ['known = 1'])
  const overridden = where(q, 'received_at', ['known = 1', "outcome = 'overridden'"])
  const unknown = where(q, 'received_at', ['known = 0'])
  return {
    shown: { sql: `SELECT rule_id, rule_version, COUNT(*) AS n FROM issued_cards${cards.clause} GROUP BY rule_id, rule_version`, params: cards.params },
    outcomes: { sql: `SELECT rule_id, outcome, COUNT(DISTINCT card_uuid) AS n FROM feedback${known.clause} GROUP BY rule_id, outcome`, params: known.params },
    reasons: { sql: `SELECT rule_id, reason_system, reason_code, COUNT(*) AS n FROM feedback${overridden.clause} GROUP BY rule_id, reason_system, reason_code`, params: overridden.params },
    unknown: { sql: `SELECT COUNT(*) AS n FROM feedback${unknown.clause}`, params: unknown.params }
  }
}

const TOP_REASONS = 3

export function assembleSummary (q: SummaryQuery, rows: Record<'shown' | 'outcomes' | 'reasons' | 'unknown', Row[]>): FeedbackSummary {
  const byRule = new Map<string, RuleSummary>()
  const entry = (rule: string): RuleSummary => {
    let e = byRule.get(rule)
    if (e === undefined) { e = { rule, versions: [], shown: 0, accepted: 0, overridden: 0, overrideRate: null, topOverrideReasons: [] }; byRule.set(rule, e) }
    return e
  }
  for (const r of rows.shown) {
    const e = entry(String(r.rule_id))
    e.shown += Number(r.n)
    e.versions.push(String(r.rule_version))
  }
  for (const r of rows.outcomes) {
    const e = entry(String(r.rule_id))
    if (r.outcome === 'accepted') e.accepted += Number(r.n)
    if (r.outcome === 'overridden') e.overridden += Number(r.n)
  }
  const reasons = new Map<string, OverrideReasonCount[]>()
  for (const r of rows.reasons) {
    const list = reasons.get(String(r.rule_id)) ?? []
    list.push({ system: s(r.reason_system), code: s(r.reason_code), count: Number(r.n) })
    reasons.set(String(r.rule_id), list)
  }
  for (const e of byRule.values()) {
    e.versions.sort()
    const responded = e.accepted + e.overridden
    e.overrideRate = responded === 0 ? null : Math.round((e.overridden / responded) * 1000) / 1000
    e.topOverrideReasons = (reasons.get(e.rule) ?? [])
      .sort((a, b) => b.count - a.count || String(a.code).localeCompare(String(b.code)))
      .slice(0, TOP_REASONS)
  }
  return {
    since: q.since ?? null,
    service: q.service ?? null,
    rules: [...byRule.values()].sort((a, b) => a.rule.localeCompare(b.rule)),
    unknownCardFeedback: Number(rows.unknown[0]?.n ?? 0)
  }
}
