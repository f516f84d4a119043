// The write queue between request handlers and the store, one FIFO (cards are written before the
// feedback that names them), written in batches (every `intervalMs` or `batchSize` rows, one
// transaction, one write in flight).
// - Background rows (issued cards, audit rows) are enqueued synchronously and never hold up an answer.
//   A batch that fails is kept and retried with exponential backoff; rows are dropped (and reported)
//   only beyond `maxRows` buffered, or when the store refuses a row itself (constraint, bad data).
// - Durable rows (feedback): `enqueueDurable(rows)` resolves once the batch holding them has committed
//   and rejects when it could not (the caller answers 503; nothing is retried behind its back). One
//   request's rows always share a batch. A durable enqueue writes at once, even during a backoff, so a
//   caller learns quickly whether the store is back; a failed write rejects every durable caller waiting.
// - A batch refused for a permanent reason is split: each request / row is retried alone, so one bad
//   row cannot fail another caller's feedback or hold the audit trail up.

import { isPermanentStoreError } from './errors.js'
import type { AuditRecord, FeedbackEntry, IssuedCard, Store, WriteBatch, WriteResult } from './types.js'

export type DropReason = 'buffer-full' | 'refused' | 'shutdown'

export interface QueueEvents {
  /** A batch failed to write. `retrying` rows stay buffered; durable callers were told. */
  onError?: (err: unknown, info: { rows: number, retrying: number, permanent: boolean }) => void
  onWritten?: (result: WriteResult, rows: number) => void
  /** Background rows given up: buffer over `maxRows`, refused by the store, or left at close. */
  onDropped?: (rows: number, reason: DropReason) => void
}

export interface QueueOptions extends QueueEvents {
  intervalMs?: number
  batchSize?: number
  /** Bound on rows held (waiting or being retried); background rows beyond it are dropped. */
  maxRows?: number
  /** First retry delay after a failed batch, doubled per failure up to `retryMaxMs`. */
  retryMinMs?: number
  retryMaxMs?: number
  /** Which errors would recur whatever the store's state (default: constraint and data errors). */
  isPermanent?: (err: unknown) => boolean
}

interface Durable { kind: 'feedback', rows: FeedbackEntry[], done: (err?: unknown) => void }
type Item = { kind: 'card', row: IssuedCard } | { kind: 'audit', row: AuditRecord } | Durable

const rowsOf = (item: Item): number => item.kind === 'feedback' ? item.rows.length : 1

/** What one write attempt came to: written, progress to continue at once, or failed (back off). */
type Attempt = 'written' | 'again' | 'failed'

export class WriteQueue {
  private items: Item[] = []
  /** Index of the first unwritten item (taking from the front by splice would be O(n) per batch). */
  private head = 0
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<Attempt> | undefined
  private readonly intervalMs: number
  private readonly batchSize: number
  private readonly maxRows: number
  private readonly retryMinMs: number
  private readonly retryMaxMs: number
  private readonly isPermanent: (err: unknown) => boolean
  private closed = false
  /** Rows waiting (not counting the batch being written) and rows in the batch being written. */
  private pending = 0
  private writing = 0
  /** Rows accepted so far, and rows that left the queue for good (written, dropped or refused). */
  private accepted = 0
  private settled = 0
  /** After a failure: no background write before this time (ms since epoch); the current delay. */
  private retryAt = 0
  private backoffMs = 0
  /** Items to write one per batch (after a batch was refused for a permanent reason). */
  private isolate = 0

  constructor (private readonly store: Store, private readonly opts: QueueOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 50
    this.batchSize = opts.batchSize ?? 100
    this.maxRows = opts.maxRows ?? 100_000
    this.retryMinMs = opts.retryMinMs ?? 100
    this.retryMaxMs = opts.retryMaxMs ?? 30_000
    this.isPermanent = opts.isPermanent ?? isPermanentStoreError
  }

  /** Rows waiting to be written (including the batch being written and rows awaiting a retry). */
  get depth (): number { return this.pending + this.writing }

  cards (rows: IssuedCard[]): void { this.pushBackground(rows.map((row) => ({ kind: 'card', row }))) }
  audit (row: AuditRecord): void { this.pushBackground([{ kind: 'audit', row }]) }

  /** Resolves once the rows are committed (durably); rejects with the store's error when they are not. */
  async enqueueDurable (rows: FeedbackEntry[]): Promise<void> {
    if (rows.length === 0) return
    await new Promise<void>((resolve, reject) => {
      this.items.push({ kind: 'feedback', rows, done: (err) => { if (err === undefined) resolve(); else reject(err) } })
      this.pending += rows.length
      this.accepted += rows.length
      this.wake(true)
    })
  }

  private pushBackground (items: Item[]): void {
    if (items.length === 0) return
    const room = this.maxRows - this.depth
    if (room < items.length) {
      this.opts.onDropped?.(items.length - Math.max(room, 0), 'buffer-full')
      items = items.slice(0, Math.max(room, 0))
    }
    for (const item of items) this.items.push(item)
    this.pending += items.length
    this.accepted += items.length
    if (this.pending >= this.batchSize) this.wake(false)
    else this.schedule(this.intervalMs)
  }

  private schedule (delayMs: number): void {
    if (this.timer !== undefined || this.closed) return
    this.timer = setTimeout(() => { this.timer = undefined; this.wake(false) }, Math.max(0, delayMs))
    this.timer.unref()
  }

  /** kick() for callers that do not wait: writeOne settles every failure itself, so a rejection here is a bug. */
  private wake (force: boolean): void {
    this.kick(force)?.catch((err: unknown) => { this.opts.onError?.(err, { rows: 0, retrying: 0, permanent: false }) })
  }

  /** Starts a write unless one is in flight; a background kick waits out the backoff. */
  private kick (force: boolean): Promise<Attempt> | undefined {
    if (this.inFlight !== undefined) return this.inFlight
    if (this.pending === 0) return undefined
    const wait = this.retryAt - Date.now()
    if (!force && wait > 0) { this.schedule(wait); return undefined }
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined }
    const attempt = this.writeOne()
    this.inFlight = attempt
    attempt.then((result) => {
      this.inFlight = undefined
      if (this.closed || this.pending === 0) return
      // Durable callers waiting behind a failed batch are tried at once: they must hear back quickly.
      const durableWaiting = this.items.slice(this.head).some((i) => i.kind === 'feedback')
      const now = result === 'again' || durableWaiting
      if (now || this.pending >= this.batchSize) this.wake(now)
      else this.schedule(result === 'failed' ? this.retryAt - Date.now() : this.intervalMs)
    }).catch((err: unknown) => { this.opts.onError?.(err, { rows: 0, retrying: 0, permanent: false }) })
    return attempt
  }

  private take (): Item[] {
    const taken: Item[] = []
    let rows = 0
    const limit = this.isolate > 0 ? 1 : Infinity
    while (this.head < this.items.length && taken.length < limit && rows < this.batchSize) {
      const item = this.items[this.head++] as Item
      taken.push(item)
      rows += rowsOf(item)
    }
    if (this.head === this.items.length) {
      this.items = []
      this.head = 0
    } else if (this.head > 10_000) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return taken
  }

  /** Puts items back at the front, in their order (only after a failure: O(n) is fine). */
  private putBack (items: Item[]): void {
    if (items.length === 0) return
    this.items = [...items, ...this.items.slice(this.head)]
    this.head = 0
    this.pending += items.reduce((n, i) => n + rowsOf(i), 0)
  }

  private async writeOne (): Promise<Attempt> {
    const isolated = this.isolate > 0
    const taken = this.take()
    if (isolated) this.isolate--
    const rows = taken.reduce((n, i) => n + rowsOf(i), 0)
    this.pending -= rows
    this.writing = rows
    const batch: WriteBatch = { cards: [], audits: [], feedback: [] }
    for (const item of taken) {
      if (item.kind === 'card') batch.cards.push(item.row)
      else if (item.kind === 'audit') batch.audits.push(item.row)
      else batch.feedback.push(...item.rows)
    }
    try {
      const result = await this.store.write(batch)
      this.writing = 0
      this.settled += rows
      this.backoffMs = 0
      this.retryAt = 0
      this.opts.onWritten?.(result, rows)
      for (const item of taken) if (item.kind === 'feedback') item.done()
      return 'written'
    } catch (err) {
      this.writing = 0
      return this.failed(err, taken, rows, isolated)
    }
  }

  private failed (err: unknown, taken: Item[], rows: number, isolated: boolean): Attempt {
    const permanent = this.isPermanent(err)
    if (permanent && taken.length > 1) {
      // Something in the batch is refused: write each request / row alone to find it.
      this.putBack(taken)
      this.isolate = taken.length
      this.opts.onError?.(err, { rows, retrying: rows, permanent })
      return 'again'
    }
    const durable = taken.filter((i): i is Durable => i.kind === 'feedback')
    const background = taken.filter((i) => i.kind !== 'feedback')
    const durableRows = durable.reduce((n, i) => n + i.rows.length, 0)
    this.settled += durableRows
    for (const item of durable) item.done(err)
    if (permanent) {
      this.settled += background.length
      this.opts.onError?.(err, { rows, retrying: 0, permanent })
      if (background.length > 0) this.opts.onDropped?.(background.length, 'refused')
      return 'again'
    }
    this.rejectWaiting(err)
    this.putBack(background)
    if (isolated && background.length > 0) this.isolate++
    this.backoffMs = Math.min(this.retryMaxMs, this.backoffMs === 0 ? this.retryMinMs : this.backoffMs * 2)
    this.retryAt = Date.now() + this.backoffMs
    this.opts.onError?.(err, { rows, retrying: background.length, permanent })
    return 'failed'
  }

  /**
   * After a transient failure every durable caller still waiting is told at once (503) rather than
   * held through the backoff — or spun on: the rows ahead of it would keep failing.
   */
  private rejectWaiting (err: unknown): void {
    const waiting = this.items.slice(this.head)
    const durable = waiting.filter((i): i is Durable => i.kind === 'feedback')
    if (durable.length === 0) return
    this.items = waiting.filter((i) => i.kind !== 'feedback')
    this.head = 0
    const rows = durable.reduce((n, i) => n + i.rows.length, 0)
    this.pending -= rows
    this.settled += rows
    for (const item of durable) item.done(err)
  }

  /** Writes until `done()` or a write fails (rows then stay buffered for the retry). */
  private async writeWhile (more: () => boolean): Promise<void> {
    while (more()) {
      const attempt = this.kick(true)
      if (attempt === undefined) return
      if (await attempt === 'failed') return
    }
  }

  /** Writes everything queued so far (and whatever arrives meanwhile); stops at the first failure. */
  async drain (): Promise<void> {
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined }
    await this.writeWhile(() => this.inFlight !== undefined || this.pending > 0)
  }

  /** Writes the rows queued before this call (not those arriving meanwhile); stops at the first failure. */
  async flush (): Promise<void> {
    const target = this.accepted
    await this.writeWhile(() => this.settled < target && (this.pending > 0 || this.inFlight !== undefined))
  }

  /** Drains, then stops; rows the store could not take are reported dropped, durable callers rejected. */
  async close (): Promise<void> {
    await this.drain()
    this.closed = true
    while (this.inFlight !== undefined) await this.inFlight
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined }
    const left = this.items.slice(this.head)
    this.items = []
    this.head = 0
    this.pending = 0
    const background = left.filter((i) => i.kind !== 'feedback').length
    for (const item of left) if (item.kind === 'feedback') item.done(new Error('the store queue is closed'))
    if (background > 0) this.opts.onDropped?.(background, 'shutdown')
  }
}
