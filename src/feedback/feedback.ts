// CDS Hooks 2.0 feedback: the checks the body schema cannot express (cds-fb-2: `accepted` needs
// acceptedSuggestions; RFC 3339 outcomeTimestamp) and the entries to store, one per feedback item.

import type { FeedbackRequest } from '../cds/types.js'
import { DomainError, type IssueLocation } from '../errors.js'
import type { FeedbackEntry } from '../store/types.js'

/** The feedback POST body (CDS Hooks 2.0), as its route schema in src/cds/schemas.ts defines it. */
export type FeedbackBody = FeedbackRequest

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

export function isInstant (s: string): boolean { return RFC3339.test(s) && !Number.isNaN(Date.parse(s)) }

/** Checks the body and returns the entries to store (nothing stored yet). */
export function feedbackEntries (
  service: string,
  body: FeedbackBody,
  deps: { now: Date, newId: () => string }
): FeedbackEntry[] {
  const issues: IssueLocation[] = []
  body.feedback.forEach((f, i) => {
    if (f.outcome === 'accepted' && (f.acceptedSuggestions === undefined || f.acceptedSuggestions.length === 0)) {
      issues.push({ expression: `feedback[${i}].acceptedSuggestions`, diagnostics: `feedback[${i}].acceptedSuggestions is required when outcome is accepted (cds-fb-2)` })
    }
    // Stored as text: PostgreSQL refuses NUL in text, and no clinical string needs one.
    const reason = f.overrideReason?.reason
    const texts = [f.card, ...(f.acceptedSuggestions ?? []).map((a) => a.id),
      reason?.system, reason?.code, reason?.display, f.overrideReason?.userComment]
    if (texts.some((t) => t?.includes('\u0000') === true)) {
      issues.push({ expression: `feedback[${i}]`, diagnostics: `feedback[${i}] has a NUL character in a text field` })
    }
    if (!isInstant(f.outcomeTimestamp)) {
      issues.push({ expression: `feedback[${i}].outcomeTimestamp`, diagnostics: `feedback[${i}].outcomeTimestamp must be an RFC 3339 instant, e.g. 2021-12-11T10:05:31Z` })
    }
  })
  if (issues.length > 0) throw new DomainError('invalid-request', 'feedback is invalid', issues)
  const receivedAt = deps.now.toISOString()
  return body.feedback.map((f) => ({
    id: deps.newId(),
    receivedAt,
    service,
    cardUuid: f.card,
    outcome: f.outcome,
    acceptedSuggestions: (f.acceptedSuggestions ?? []).map((s) => s.id),
    reasonSystem: f.overrideReason?.reason?.system ?? null,
    reasonCode: f.overrideReason?.reason?.code ?? null,
    reasonDisplay: f.overrideReason?.reason?.display ?? null,
    userComment: f.overrideReason?.userComment ?? null,
    outcomeTimestamp: new Date(f.outcomeTimestamp).toISOString()
  }))
}

/** `since` of the summary: a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 instant → ISO UTC. */
export function parseSince (since: string | undefined): string | undefined {
  if (since === undefined) return undefined
  const value = /^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since
  if (!isInstant(value)) {
    throw new DomainError('invalid-request', 'since is invalid', [{ expression: 'since', diagnostics: 'since must be a date (2026-11-01) or an RFC 3339 instant (2026-11-01T00:00:00Z)' }])
  }
  return new Date(value).toISOString()
}
