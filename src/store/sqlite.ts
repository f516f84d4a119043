// The SQLite store (better-sqlite3 12): one file (created with its directory on first start), WAL
// journal, each batch written in one transaction. Commits run with synchronous=NORMAL, except a
// batch carrying feedback: it commits with synchronous=FULL, so the WAL is fsync'd before the
// feedback is acknowledged (and with it every earlier commit). Every write first checks that the
// path still names the open file (device and inode): a file deleted or replaced under the running
// service fails that call (StoreFileChangedError, nothing is written to the orphaned file) and the
// next call reopens the path — a new file if the directory is still there and writable; a missing
// directory is not recreated (it may be an unmounted volume), the store stays unwritable instead.

import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { StoreFileChangedError } from './errors.js'
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations.js'
import {
  INSERT_AUDIT, INSERT_CARD, INSERT_FEEDBACK, LIST_AUDIT, LIST_CARDS, LIST_FEEDBACK, auditParams, cardParams,
  cardsByUuidSql, feedbackParams, rowToAudit, rowToCard, rowToFeedback, runSummary
} from './sql.js'
import { runTimeseries } from './sql-timeseries.js'
import { PROBE, PRUNE_EVERY_SECONDS, PRUNE_JTI, REMEMBER_JTI } from './sql-guard.js'
import type { Store, WriteBatch, WriteResult } from './types.js'

type Row = Record<string, unknown>
const CHUNK = 500

interface Identity { dev: bigint, ino: bigint }

/** The file's device and inode, or null when the path does not exist (or its directory is gone). */
function identityOf (file: string): Identity | null {
  try {
    const s = statSync(file, { bigint: true })
    return { dev: s.dev, ino: s.ino }
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw err
  }
}

type Statements = Record<'card' | 'audit' | 'feedback' | 'probe' | 'jti' | 'prune', Database.Statement>

/** One open database file and what is prepared on it. */
class Connection {
  readonly db: Database.Database
  readonly identity: Identity | null
  /** The -wal and -shm files this connection uses (recorded once migrated: then they exist). */
  journal: Array<{ path: string, id: Identity | null }> = []
  private statements: Statements | undefined
  private writer: ((c: Connection, batch: WriteBatch) => WriteResult) | undefined

  constructor (private readonly file: string) {
    this.db = new Database(file)
    try {
      this.db.pragma('journal_mode = WAL')
      this.db.pragma('synchronous = NORMAL')
      this.db.pragma('busy_timeout = 5000')
      this.identity = file === ':memory:' ? null : identityOf(file)
    } catch (err) {
      this.db.close()
      throw err
    }
  }

  migrate (now: () => Date): void {
    this.db.transaction(() => {
      this.db.exec(MIGRATIONS_TABLE)
      const done = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => Number(r.version)))
      for (const m of MIGRATIONS) {
        if (done.has(m.version)) continue
        for (const sql of m.sql) this.db.exec(sql)
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now().toISOString())
      }
    })()
    if (this.file !== ':memory:') this.journal = ['-wal', '-shm'].map((s) => ({ path: `${this.file}${s}`, id: identityOf(`${this.file}${s}`) }))
  }

  /**
   * Closes, then removes this connection's -wal/-shm if they are still at their paths: SQLite leaves
   * them behind when the database file was moved, and they must never be applied to a new file there.
   * A -wal/-shm that is not ours (restored with a replacement file) is left alone.
   */
  closeOrphaned (): void {
    this.close()
    for (const j of this.journal) {
      const id = identityOf(j.path)
      if (id !== null && j.id !== null && id.dev === j.id.dev && id.ino === j.id.ino) rmSync(j.path, { force: true })
    }
  }

  get st (): Statements {
    this.statements ??= {
      card: this.db.prepare(INSERT_CARD),
      audit: this.db.prepare(INSERT_AUDIT),
      feedback: this.db.prepare(INSERT_FEEDBACK),
      probe: this.db.prepare(PROBE),
      jti: this.db.prepare(REMEMBER_JTI),
      prune: this.db.prepare(PRUNE_JTI)
    }
    return this.statements
  }

  /** Writes the batch in one transaction. */
  write (batch: WriteBatch): WriteResult {
    this.writer ??= this.db.transaction(writeBatch)
    return this.writer(this, batch)
  }

  same (id: Identity | null): boolean {
    return id !== null && this.identity !== null && id.dev === this.identity.dev && id.ino === this.identity.ino
  }

  close (): void { if (this.db.open) this.db.close() }
}

function writeBatch (c: Connection, batch: WriteBatch): WriteResult {
  const st = c.st
  for (const card of batch.cards) st.card.run(...cardParams(card))
  for (const a of batch.audits) st.audit.run(...auditParams(a))
  const known = new Map<string, { ruleId: string, ruleVersion: string, variant: string | null }>()
  const uuids = [...new Set(batch.feedback.map((f) => f.cardUuid))]
  for (let i = 0; i < uuids.length; i += CHUNK) {
    const part = uuids.slice(i, i + CHUNK)
    for (const r of c.db.prepare(cardsByUuidSql(part.length)).all(...part) as Row[]) {
      known.set(String(r.card_uuid), {
        ruleId: String(r.rule_id),
        ruleVersion: String(r.rule_version),
        variant: r.variant === null ? null : String(r.variant)
      })
    }
  }
  let unknownFeedback = 0
  for (const f of batch.feedback) {
    const card = known.get(f.cardUuid)
    if (card === undefined) unknownFeedback++
    st.feedback.run(...feedbackParams(f, card))
  }
  return { unknownFeedback }
}

export function openSqliteStore (file: string, now: () => Date = () => new Date()): Store {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  let conn = new Connection(file)
  /** Set once the path was found not to name the open file: the next call reopens it. */
  let changed = false
  let lastPrune = 0

  /** The connection to write through, after checking (and if need be reopening) the file. */
  function live (): Connection {
    if (file === ':memory:') return conn
    if (!changed) {
      const id = identityOf(file)
      if (conn.same(id)) return conn
      changed = true
      throw new StoreFileChangedError(`the database file was ${id === null ? 'deleted' : 'replaced'} under the running service`)
    }
    if (!existsSync(dirname(file))) throw new StoreFileChangedError('the database directory is gone; it is not recreated while running')
    // Close first: the old connection's -wal/-shm sit at the same paths and belong to the old file.
    conn.closeOrphaned()
    const fresh = new Connection(file)
    try {
      fresh.migrate(now)
    } catch (err) {
      fresh.close()
      throw err
    }
    conn = fresh
    changed = false
    return conn
  }

  const all = (sql: string, params: unknown[] = []): Row[] => conn.db.prepare(sql).all(...params) as Row[]

  return {
    kind: 'sqlite',
    migrate: async () => { conn.migrate(now) },
    write: async (batch) => {
      const c = live()
      const durable = batch.feedback.length > 0
      if (durable) c.db.pragma('synchronous = FULL')
      try {
        return c.write(batch)
      } finally {
        if (durable && c.db.open) c.db.pragma('synchronous = NORMAL')
      }
    },
    probe: async () => {
      const c = live()
      c.st.probe.run('probe', now().toISOString())
      // Commits can succeed into the WAL while the database file itself is unwritable: a checkpoint shows it.
      if (file !== ':memory:') c.db.pragma('wal_checkpoint(PASSIVE)')
    },
    rememberJti: async (iss, jti, expiresAt, nowSec) => {
      const c = live()
      if (nowSec - lastPrune >= PRUNE_EVERY_SECONDS) {
        c.st.prune.run(nowSec)
        lastPrune = nowSec
      }
      return c.st.jti.run(iss, jti, expiresAt, nowSec).changes === 1
    },
    summary: async (q) => await runSummary(q, all),
    timeseries: async (q) => await runTimeseries(q, all),
    feedback: async () => all(LIST_FEEDBACK).map(rowToFeedback),
    audits: async () => all(LIST_AUDIT).map(rowToAudit),
    issuedCards: async () => all(LIST_CARDS).map(rowToCard),
    close: async () => { conn.close() }
  }
}
