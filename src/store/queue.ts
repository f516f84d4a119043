// The write queue between request handlers and the store: enqueue is synchronous and never
// throws; rows are written in batches (every `intervalMs` or `batchSize` rows, one transaction,
// one write in flight). A failed batch is logged and counted, not retried; drain() empties it.

import type { AuditRecord, FeedbackEntry, IssuedCard, Store, WriteBatch, WriteResult } from './types.js'

export interface QueueEvents {
  /** A batch failed to write: its rows are lost (the hook answers already went out). */
  onError?: (err: unknown, rows: number) => void
  onWritten?: (result: WriteResult, rows: number) => void
  /** Rows dropped because the queue was at `maxRows` (the store is down or too slow). */
  onDropped?: (rows: number) => void
}

export interface QueueOptions extends QueueEvents {
  intervalMs?: number
  batchSize?: number
  maxRows?: number
}

type Item = { kind: 'card', row: IssuedCard } | { kind: 'audit', row: AuditRecord } | { kind: 'feedback', row: FeedbackEntry }

export class WriteQueue {
  private items: Item[] = []
  /** Index of the first unwritten item (taking from the front by splice would be O(n) per batch). */
  private head = 0
  private timer: NodeJS.Timeout | undefined
  private inFlight: Promise<void> | undefined
  private readonly intervalMs: number
  private readonly batchSize: number
  private readonly maxRows: number
  private closed = false
  /** Rows accepted so far, and rows whose batch has finished (written or failed). */
  private accepted = 0
  private finished = 0

  constructor (private readonly store: Store, private readonly opts: QueueOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 50
    this.batchSize = opts.batchSize ?? 100
    this.maxRows = opts.maxRows ?? 100_000
  }

  /** Rows waiting to be written (including the batch being written). */
  get depth (): number { return this.pending + this.writing }
  private get pending (): number { return this.items.length - this.head }
  private writing = 0

  cards (rows: IssuedCard[]): void { this.push(rows.map((row) => ({ kind: 'card', row }))) }
  audit (row: AuditRecord): void { this.push([{ kind: 'audit', row }]) }
  feedback (rows: FeedbackEntry[]): void { this.push(rows.map((row) => ({ kind: 'feedback', row }))) }

  private push (items: Item[]): void {
    if (items.length === 0) return
    const room = this.maxRows - this.depth
    if (room < items.length) {
      this.opts.onDropped?.(items.length - Math.max(room, 0))
      items = items.slice(0, Math.max(room, 0))
    }
    for (const item of items) this.items.push(item)
    this.accepted += items.length
    if (this.pending >= this.batchSize) this.kick()
    else this.schedule()
  }

  private schedule (): void {
    if (this.timer !== undefined || this.closed) return
    this.timer = setTimeout(() => { this.timer = undefined; this.kick() }, this.intervalMs)
    this.timer.unref()
  }

  private kick (): void {
    if (this.inFlight !== undefined || this.pending === 0) return
    this.inFlight = this.writeOne().finally(() => {
      this.inFlight = undefined
      if (this.pending >= this.batchSize) this.kick()
      else if (this.pending > 0) this.schedule()
    })
  }

  private async writeOne (): Promise<void> {
    const taken = this.items.slice(this.head, this.head + this.batchSize)
    this.head += taken.length
    if (this.head === this.items.length) { this.items = []; this.head = 0 } else if (this.head > 10_000) { this.items = this.items.slice(this.head); this.head = 0 }
    this.writing = taken.length
    const batch: WriteBatch = { cards: [], audits: [], feedback: [] }
    for (const item of taken) {
      if (item.kind === 'card') batch.cards.push(item.row)
      else if (item.kind === 'audit') batch.audits.push(item.row)
      else batch.feedback.push(item.row)
    }
    try {
      const result = await this.store.write(batch)
      this.opts.onWritten?.(result, taken.length)
    } catch (err) {
      this.opts.onError?.(err, taken.length)
    } finally {
      this.writing = 0
      this.finished += taken.length
    }
  }

  /** Writes everything queued so far (and whatever arrives meanwhile) before resolving. */
  async drain (): Promise<void> {
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined }
    while (this.inFlight !== undefined || this.pending > 0) {
      if (this.inFlight === undefined) this.kick()
      await this.inFlight
    }
  }

  /** Writes the rows queued before this call (not those arriving meanwhile: bounded under load). */
  async flush (): Promise<void> {
    const target = this.accepted
    while (this.finished < target) {
      if (this.inFlight === undefined) this.kick()
      await this.inFlight
    }
  }

  /** Drains, then stops scheduling; later rows are still accepted and written by the next drain(). */
  async close (): Promise<void> {
    await this.drain()
    this.closed = true
  }
}
