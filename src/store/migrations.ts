// The schema, as ordered migrations applied at start by both stores (the same SQL for SQLite and
// PostgreSQL: TEXT times in ISO 8601 UTC, INTEGER flags, application-made TEXT ids).

export interface Migration { version: number, name: string, sql: string[] }

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'issued cards, audit, feedback',
    sql: [
      `CREATE TABLE IF NOT EXISTS issued_cards (
        card_uuid TEXT PRIMARY KEY,
        rule_id TEXT NOT NULL,
        variant TEXT,
        rule_version TEXT NOT NULL,
        service TEXT NOT NULL,
        hook_instance TEXT NOT NULL,
        issued_at TEXT NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS issued_cards_rule ON issued_cards (rule_id, issued_at)',
      `CREATE TABLE IF NOT EXISTS audit (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        service TEXT NOT NULL,
        hook TEXT,
        hook_instance TEXT,
        status INTEGER NOT NULL,
        duration_ms DOUBLE PRECISION NOT NULL,
        catalog_hash TEXT NOT NULL,
        rules_fired TEXT NOT NULL,
        card_uuids TEXT NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS audit_at ON audit (at)',
      `CREATE TABLE IF NOT EXISTS feedback (
        id TEXT PRIMARY KEY,
        received_at TEXT NOT NULL,
        service TEXT NOT NULL,
        card_uuid TEXT NOT NULL,
        known INTEGER NOT NULL,
        rule_id TEXT,
        rule_version TEXT,
        variant TEXT,
        outcome TEXT NOT NULL,
        accepted_suggestions TEXT NOT NULL,
        reason_system TEXT,
        reason_code TEXT,
        reason_display TEXT,
        user_comment TEXT,
        outcome_timestamp TEXT NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS feedback_rule ON feedback (rule_id, received_at)',
      'CREATE INDEX IF NOT EXISTS feedback_card ON feedback (card_uuid)'
    ]
  },
  {
    version: 2,
    name: 'seen jti (shared replay cache), store write probe',
    sql: [
      `CREATE TABLE IF NOT EXISTS seen_jti (
        iss TEXT NOT NULL,
        jti TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (iss, jti)
      )`,
      'CREATE INDEX IF NOT EXISTS seen_jti_expires ON seen_jti (expires_at)',
      'CREATE TABLE IF NOT EXISTS store_probe (id TEXT PRIMARY KEY, at TEXT NOT NULL)'
    ]
  }
]

export const MIGRATIONS_TABLE = 'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)'
