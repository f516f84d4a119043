// The store's record shapes and the Store interface that SQLite and PostgreSQL both implement.
// Nothing here holds patient data: ids of services, rules and cards, codes, counts and times only.

/** One card the service issued in a hook answer (card uuid → rule), recorded so feedback links back. */
export interface IssuedCard {
  cardUuid: string
  ruleId: string
  variant: string | null
  ruleVersion: string
  service: string
  hookInstance: string
  issuedAt: string
}

/** One hook call, whatever its outcome (200, 4xx, 412, 5xx). */
export interface AuditRecord {
  id: string
  at: string
  service: string
  hook: string | null
  hookInstance: string | null
  status: number
  durationMs: number
  catalogHash: string
  /** `RULE-ID@version` (or `RULE-ID/variant@version`) of every rule variant that fired. */
  rulesFired: string[]
  cardUuids: string[]
}

/** One feedback entry as received; the rule is resolved from the issued cards when written. */
export interface FeedbackEntry {
  id: string
  receivedAt: string
  service: string
  cardUuid: string
  outcome: 'accepted' | 'overridden'
  acceptedSuggestions: string[]
  reasonSystem: string | null
  reasonCode: string | null
  reasonDisplay: string | null
  userComment: string | null
  outcomeTimestamp: string
}

/** What one write carries; written in one transaction, cards before feedback. */
export interface WriteBatch {
  cards: IssuedCard[]
  audits: AuditRecord[]
  feedback: FeedbackEntry[]
}

export interface WriteResult {
  /** Feedback entries whose card uuid this service never issued (stored, flagged known = false). */
  unknownFeedback: number
}

export interface SummaryQuery { since?: string, service?: string }

/** `count` = overridden cards whose latest feedback gave this reason (null code = none picked). */
export interface OverrideReasonCount { system: string | null, code: string | null, count: number }

/** Raw feedback entries (events), shown beside the card counts: one card may have several. */
export interface FeedbackEventCounts { accepted: number, overridden: number }

/**
 * Counts of cards, not feedback events: a card with any `accepted` feedback counts once as
 * accepted (a later dismissal of the same card is housekeeping); a card with only `overridden`
 * feedback counts once as overridden, with the reason of its latest entry.
 */
export interface RuleSummary {
  rule: string
  versions: string[]
  shown: number
  /** Cards with at least one `accepted` feedback. */
  accepted: number
  /** Cards whose feedback was `overridden` only. */
  overridden: number
  /** overridden / (accepted + overridden); null when no card of the rule had feedback. */
  overrideRate: number | null
  /** Reasons of the overridden cards (each card's latest reason), most frequent first. */
  topOverrideReasons: OverrideReasonCount[]
  events: FeedbackEventCounts
}

export interface FeedbackSummary {
  since: string | null
  service: string | null
  rules: RuleSummary[]
  /** Feedback entries about card uuids this service never issued. */
  unknownCardFeedback: number
}

/** GET /feedback/timeseries: cards issued from `since` (aligned to its bucket) until `until`, per bucket. */
export interface TimeseriesQuery { since: string, until: string, bucket: 'day' | 'week', rule?: string }

/** One bucket: cards issued in it, and what their feedback (whenever it came) made of them. */
export interface TimeseriesPoint {
  start: string
  shown: number
  accepted: number
  overridden: number
  overrideRate: number | null
}

/** `code` "(none)" = overridden without a reason picked. */
export interface ReasonCount { code: string, system?: string, display?: string, count: number }

export interface RuleVersionSeries {
  rule: string
  version: string
  points: TimeseriesPoint[]
  topOverrideReasons: ReasonCount[]
}

export interface FeedbackTimeseries { bucket: 'day' | 'week', since: string, series: RuleVersionSeries[] }

export interface StoredFeedback extends FeedbackEntry {
  known: boolean
  ruleId: string | null
  ruleVersion: string | null
  variant: string | null
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres'
  /** Applies the migrations not yet applied (idempotent; safe with several replicas). */
  migrate: () => Promise<void>
  /** One transaction; a batch with feedback is committed durably (fsync'd) before it resolves. */
  write: (batch: WriteBatch) => Promise<WriteResult>
  /**
   * A small write that proves the store can commit now (SQLite: also that the path still names the
   * open file, and that the WAL can be checkpointed into it); throws when it cannot.
   */
  probe: () => Promise<void>
  /**
   * Records a token id (`iss`, `jti`) until `expiresAt` (epoch seconds): true the first time, false
   * when it is already recorded and not expired (a replay, on this or another instance). Throws when
   * the store cannot write (callers refuse the call: fail closed).
   */
  rememberJti: (iss: string, jti: string, expiresAt: number, now: number) => Promise<boolean>
  summary: (q: SummaryQuery) => Promise<FeedbackSummary>
  /** Per rule and version, per day or week: cards shown, accepted, overridden (counted as in the summary). */
  timeseries: (q: TimeseriesQuery) => Promise<FeedbackTimeseries>
  /** For tests and tools: the rows as stored. */
  feedback: () => Promise<StoredFeedback[]>
  audits: () => Promise<AuditRecord[]>
  issuedCards: () => Promise<IssuedCard[]>
  close: () => Promise<void>
}
