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
  return [
    a.id,
    a.at,
    a.service,
    a.hook,
    a.hookInstance,
    a.status,
    a.durationMs,
    a.catalogHash,
    JSON.stringify(a.rulesFired),
    JSON.stringify(a.cardUuids)
  ]
}

export function feedbackParams (
  f: FeedbackEntry,
  card: { ruleId: string, ruleVersion: string, variant: string | null } | undefined
): unknown[] {
  return [
    f.id, f.receivedAt, f.service, f.cardUuid,
    card === undefined ? 0 : 1, card?.ruleId ?? null, card?.ruleVersion ?? null, card?.variant ?? null,
    f.outcome, JSON.stringify(f.acceptedSuggestions), f.reasonSystem, f.reasonCode, f.reasonDisplay,
    f.userComment, f.outcomeTimestamp
  ]
}

/** `SELECT … FROM issued_cards WHERE card_uuid IN (?, ?, …)` for the cards named by a feedback batch. */
export function cardsByUuidSql (n: number): string {
  return `SELECT card_uuid, rule_id, rule_version, variant FROM issued_cards WHERE card_uuid IN (${Array.from({ length: n }, () => '?').join(', ')})`
}

type Row = Record<string, unknown>
const s = (v: unknown): string | null => v === null || v === undefined ? null : String(v)

export function rowToCard (r: Row): IssuedCard {
  return {
    cardUuid: String(r.card_uuid),
    ruleId: String(r.rule_id),
    variant: s(r.variant),
    ruleVersion: String(r.rule_version),
    service: String(r.service),
    hookInstance: String(r.hook_instance),
    issuedAt: String(r.issued_at)
  }
}

export function rowToAudit (r: Row): AuditRecord {
  return {
    id: String(r.id),
    at: String(r.at),
    service: String(r.service),
    hook: s(r.hook),
    hookInstance: s(r.hook_instance),
    status: Number(r.status),
    durationMs: Number(r.duration_ms),
    catalogHash: String(r.catalog_hash),
    rulesFired: JSON.parse(String(r.rules_fired)) as string[],
    cardUuids: JSON.parse(String(r.card_uuids)) as string[]
  }
}

export function rowToFeedback (r: Row): StoredFeedback {
  return {
    id: String(r.id),
    receivedAt: String(r.received_at),
    service: String(r.service),
    cardUuid: String(r.card_uuid),
    known: Number(r.known) === 1,
    ruleId: s(r.rule_id),
    ruleVersion: s(r.rule_version),
    variant: s(r.variant),
    outcome: String(r.outcome) as StoredFeedback['outcome'],
    acceptedSuggestions: JSON.parse(String(r.accepted_suggestions)) as string[],
    reasonSystem: s(r.reason_system),
    reasonCode: s(r.reason_code),
    reasonDisplay: s(r.reason_display),
    userComment: s(r.user_comment),
    outcomeTimestamp: String(r.outcome_timestamp)
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
export type SummaryPart = 'shown' | 'cards' | 'events' | 'unknown'

/**
 * One row per card that had feedback (CLINICAL.md "Feedback counting"): `any_accepted` = 1 when
 * any entry accepted a suggestion; otherwise the card's latest entry (outcome time, then receipt,
 * then id) decides, and its reason is the card's override reason. Window functions: SQLite ≥ 3.25
 * and PostgreSQL run the same text.
 */
export function perCardSql (clause: string): string {
  return `SELECT rule_id, card_uuid, outcome, reason_system, reason_code, reason_display,
      ROW_NUMBER() OVER (PARTITION BY card_uuid ORDER BY outcome_timestamp DESC, received_at DESC, id DESC) AS latest,
      MAX(CASE WHEN outcome = 'accepted' THEN 1 ELSE 0 END) OVER (PARTITION BY card_uuid) AS any_accepted
    FROM feedback${clause}`
}

/** The four queries the summary is assembled from. */
export function summaryStatements (q: SummaryQuery): Record<SummaryPart, SummaryStatement> {
  const cards = where(q, 'issued_at')
  const known = where(q, 'received_at', ['known = 1'])
  const unknown = where(q, 'received_at', ['known = 0'])
  return {
    shown: { sql: `SELECT rule_id, rule_version, COUNT(*) AS n FROM issued_cards${cards.clause} GROUP BY rule_id, rule_version`, params: cards.params },
    cards: {
      sql: `SELECT rule_id, any_accepted, reason_system, reason_code, COUNT(*) AS n FROM (${perCardSql(known.clause)}) per_card
        WHERE latest = 1 GROUP BY rule_id, any_accepted, reason_system, reason_code`,
      params: known.params
    },
    events: {
      sql: `SELECT rule_id, outcome, COUNT(*) AS n FROM feedback${known.clause} GROUP BY rule_id, outcome`,
      params: known.params
    },
    unknown: { sql: `SELECT COUNT(*) AS n FROM feedback${unknown.clause}`, params: unknown.params }
  }
}

export const TOP_REASONS = 3

export function assembleSummary (q: SummaryQuery, rows: Record<SummaryPart, Row[]>): FeedbackSummary {
  const byRule = new Map<string, RuleSummary>()
  const entry = (rule: string): RuleSummary => {
    let e = byRule.get(rule)
    if (e === undefined) {
      e = {
        rule,
        versions: [],
        shown: 0,
        accepted: 0,
        overridden: 0,
        overrideRate: null,
        topOverrideReasons: [],
        events: {
          accepted: 0,
          overridden: 0
        }
      }
      byRule.set(rule, e)
    }
    return e
  }
  for (const r of rows.shown) {
    const e = entry(String(r.rule_id))
    e.shown += Number(r.n)
    e.versions.push(String(r.rule_version))
  }
  const reasons = new Map<string, OverrideReasonCount[]>()
  for (const r of rows.cards) {
    const e = entry(String(r.rule_id))
    if (Number(r.any_accepted) === 1) { e.accepted += Number(r.n); continue }
    e.overridden += Number(r.n)
    const list = reasons.get(e.rule) ?? []
    list.push({ system: s(r.reason_system), code: s(r.reason_code), count: Number(r.n) })
    reasons.set(e.rule, list)
  }
  for (const r of rows.events) {
    const e = entry(String(r.rule_id))
    if (r.outcome === 'accepted') e.events.accepted += Number(r.n)
    if (r.outcome === 'overridden') e.events.overridden += Number(r.n)
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

/** Runs the summary queries with `all` (either store's query function) and assembles the result. */
export async function runSummary (q: SummaryQuery,
  all: (sql: string, params: unknown[]) => Row[] | Promise<Row[]>): Promise<FeedbackSummary> {
  const st = summaryStatements(q)
  const parts = Object.keys(st) as SummaryPart[]
  const results = await Promise.all(parts.map(async (k) => await all(st[k].sql, st[k].params)))
  const rows = Object.fromEntries(parts.map((k, i) => [k, results[i] ?? []])) as Record<SummaryPart, Row[]>
  return assembleSummary(q, rows)
}
