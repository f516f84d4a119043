// The PostgreSQL store (pg): a small pool shared by the writer and the summary; migrations under
// an advisory lock so several replicas can start at once; each batch in one transaction.

import pg from 'pg'
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations.js'
import {
  INSERT_AUDIT, INSERT_CARD, INSERT_FEEDBACK, LIST_AUDIT, LIST_CARDS, LIST_FEEDBACK, auditParams, cardParams,
  cardsByUuidSql, feedbackParams, rowToAudit, rowToCard, rowToFeedback, runSummary
} from './sql.js'
import { runTimeseries } from './sql-timeseries.js'
import { PROBE, PRUNE_EVERY_SECONDS, PRUNE_JTI, REMEMBER_JTI } from './sql-guard.js'
import type { Store } from './types.js'

type Row = Record<string, unknown>
const MIGRATION_LOCK = 724_365_001
const CHUNK = 500

/** `?` placeholders → `$1, $2, …` (our SQL has no `?` inside string literals). */
export function numbered (sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

/** One multi-row INSERT for many rows of the same single-row `INSERT … VALUES (?, …) ON CONFLICT …`. */
export function multiRow (sql: string, rows: unknown[][]): { sql: string, params: unknown[] } {
  const m = /^(.*VALUES )(\([^)]*\))(.*)$/s.exec(sql)
  if (m === null) throw new Error('not a single-row INSERT … VALUES (…)')
  return { sql: `${m[1] ?? ''}${rows.map(() => m[2] ?? '').join(', ')}${m[3] ?? ''}`, params: rows.flat() }
}

const ROWS_PER_INSERT = 200

export function openPostgresStore (url: string, now: () => Date = () => new Date()): Store {
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000 })
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => {})
  let lastPrune = 0
  const all = async (sql: string, params: unknown[] = [], client: pg.Pool | pg.PoolClient = pool): Promise<Row[]> =>
    (await client.query(numbered(sql), params)).rows as Row[]

  async function insertAll (c: pg.PoolClient, sql: string, rows: unknown[][]): Promise<void> {
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      const m = multiRow(sql, rows.slice(i, i + ROWS_PER_INSERT))
      await all(m.sql, m.params, c)
    }
  }

  async function inTransaction<T> (fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect()
    // A connection lost while checked out emits 'error' on the client (the pool only listens while it
    // is idle): without a listener that would crash the process; the failing query rejects anyway.
    const onLost = (): void => {}
    client.on('error', onLost)
    let failed: Error | undefined
    try {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      return result
    } catch (err) {
      failed = err instanceof Error ? err : new Error(String(err))
      await client.query('ROLLBACK').catch(() => {})
      throw err
    } finally {
      client.removeListener('error', onLost)
      // Released with the error, a client whose transaction failed is discarded, not reused.
      client.release(failed)
    }
  }

  return {
    kind: 'postgres',
    migrate: async () => {
      await inTransaction(async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
        await c.query(MIGRATIONS_TABLE)
        const done = new Set((await all('SELECT version FROM schema_migrations', [], c)).map((r) => Number(r.version)))
        for (const m of MIGRATIONS) {
          if (done.has(m.version)) continue
          for (const sql of m.sql) await c.query(sql)
          await all('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now().toISOString()], c)
        }
      })
    },
    write: async (batch) => await inTransaction(async (c) => {
      // Feedback is acknowledged once committed: never let a server-wide synchronous_commit=off weaken that.
      if (batch.feedback.length > 0) await c.query('SET LOCAL synchronous_commit = on')
      await insertAll(c, INSERT_CARD, batch.cards.map(cardParams))
      await insertAll(c, INSERT_AUDIT, batch.audits.map(auditParams))
      const known = new Map<string, { ruleId: string, ruleVersion: string, variant: string | null }>()
      const uuids = [...new Set(batch.feedback.map((f) => f.cardUuid))]
      for (let i = 0; i < uuids.length; i += CHUNK) {
        const part = uuids.slice(i, i + CHUNK)
        for (const r of await all(cardsByUuidSql(part.length), part, c)) {
          known.set(String(r.card_uuid), {
            ruleId: String(r.rule_id),
            ruleVersion: String(r.rule_version),
            variant: r.variant === null ? null : String(r.variant)
          })
        }
      }
      await insertAll(c, INSERT_FEEDBACK, batch.feedback.map((f) => feedbackParams(f, known.get(f.cardUuid))))
      return { unknownFeedback: batch.feedback.filter((f) => !known.has(f.cardUuid)).length }
    }),
    probe: async () => { await all(PROBE, ['probe', now().toISOString()]) },
    rememberJti: async (iss, jti, expiresAt, nowSec) => {
      if (nowSec - lastPrune >= PRUNE_EVERY_SECONDS) {
        lastPrune = nowSec
        await all(PRUNE_JTI, [nowSec])
      }
      const result = await pool.query(numbered(REMEMBER_JTI), [iss, jti, expiresAt, nowSec])
      return result.rowCount === 1
    },
    summary: async (q) => await runSummary(q, all),
    timeseries: async (q) => await runTimeseries(q, all),
    feedback: async () => (await all(LIST_FEEDBACK)).map(rowToFeedback),
    audits: async () => (await all(LIST_AUDIT)).map(rowToAudit),
    issuedCards: async () => (await all(LIST_CARDS)).map(rowToCard),
    close: async () => { if (!pool.ended) await pool.end() }
  }
}
