// The SQLite store (better-sqlite3 12): one file (created with its directory on first start),
// WAL journal with synchronous=NORMAL, each batch written in one transaction.

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations.js'
import {
  INSERT_AUDIT, INSERT_CARD, INSERT_FEEDBACK, LIST_AUDIT, LIST_CARDS, LIST_FEEDBACK, auditParams, cardParams,
  cardsByUuidSql, feedbackParams, rowToAudit, rowToCard, rowToFeedback, runSummary
} from './sql.js'
import type { Store, WriteBatch, WriteResult } from './types.js'

type Row = Record<string, unknown>
const CHUNK = 500

export function openSqliteStore (file: string, now: () => Date = () => new Date()): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')

  const migrate = db.transaction(() => {
    db.exec(MIGRATIONS_TABLE)
    const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => Number(r.version)))
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue
      for (const sql of m.sql) db.exec(sql)
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now().toISOString())
    }
  })

  let statements: { card: Database.Statement, audit: Database.Statement, feedback: Database.Statement } | undefined
  const prepared = (): NonNullable<typeof statements> => {
    statements ??= { card: db.prepare(INSERT_CARD), audit: db.prepare(INSERT_AUDIT), feedback: db.prepare(INSERT_FEEDBACK) }
    return statements
  }

  const write = db.transaction((batch: WriteBatch): WriteResult => {
    const st = prepared()
    for (const c of batch.cards) st.card.run(...cardParams(c))
    for (const a of batch.audits) st.audit.run(...auditParams(a))
    const known = new Map<string, { ruleId: string, ruleVersion: string, variant: string | null }>()
    const uuids = [...new Set(batch.feedback.map((f) => f.cardUuid))]
    for (let i = 0; i < uuids.length; i += CHUNK) {
      const part = uuids.slice(i, i + CHUNK)
      for (const r of db.prepare(cardsByUuidSql(part.length)).all(...part) as Row[]) {
        known.set(String(r.card_uuid), { ruleId: String(r.rule_id), ruleVersion: String(r.rule_version), variant: r.variant === null ? null : String(r.variant) })
      }
    }
    let unknownFeedback = 0
    for (const f of batch.feedback) {
      const card = known.get(f.cardUuid)
      if (card === undefined) unknownFeedback++
      st.feedback.run(...feedbackParams(f, card))
    }
    return { unknownFeedback }
  })

  const all = (sql: string, params: unknown[] = []): Row[] => db.prepare(sql).all(...params) as Row[]

  return {
    kind: 'sqlite',
    migrate: async () => { migrate() },
    write: async (batch) => write(batch),
    summary: async (q) => await runSummary(q, all),
    feedback: async () => all(LIST_FEEDBACK).map(rowToFeedback),
    audits: async () => all(LIST_AUDIT).map(rowToAudit),
    issuedCards: async () => all(LIST_CARDS).map(rowToCard),
    close: async () => { if (db.open) db.close() }
  }
}
