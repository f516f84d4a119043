// Whether the store can write now, for /readyz: a write probe (Store.probe) run on demand, at most
// one at a time and at most once per `minIntervalMs` (a cached answer in between, so a flood of
// /readyz calls costs nothing), bounded by `timeoutMs` (a PostgreSQL that does not answer is down).
// A failed queue write marks the cache stale, so the next /readyz probes afresh.

import { storeErrorCode } from './errors.js'
import type { Store } from './types.js'

export interface StoreState {
  writable: boolean
  checkedAt: string
  /** Error code of the failed probe (never a driver message: it can echo row values). */
  error?: string
}

export interface StoreHealthOptions {
  minIntervalMs: number
  timeoutMs?: number
  clock?: () => Date
  /** Told of every probe result that differs from the previous one. */
  onChange?: (state: StoreState, err?: unknown) => void
}

export class StoreHealth {
  private last: { state: StoreState, at: number } | undefined
  private running: Promise<StoreState> | undefined

  constructor (private readonly store: Store, private readonly opts: StoreHealthOptions) {}

  /** The last known state without probing (undefined before the first probe). */
  get state (): StoreState | undefined { return this.last?.state }

  /** The next check() probes, whatever the age of the last result. */
  invalidate (): void { if (this.last !== undefined) this.last.at = -Infinity }

  async check (): Promise<StoreState> {
    const at = performance.now()
    if (this.last !== undefined && at - this.last.at < this.opts.minIntervalMs) return this.last.state
    this.running ??= this.probe().finally(() => { this.running = undefined })
    return await this.running
  }

  private async probe (): Promise<StoreState> {
    const clock = this.opts.clock ?? (() => new Date())
    const timeoutMs = this.opts.timeoutMs ?? 2000
    let timer: NodeJS.Timeout | undefined
    let state: StoreState
    let error: unknown
    try {
      await Promise.race([
        this.store.probe(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => { reject(Object.assign(new Error('store probe timed out'), { code: 'PROBE_TIMEOUT' })) }, timeoutMs)
        })
      ])
      state = { writable: true, checkedAt: clock().toISOString() }
    } catch (err) {
      error = err
      state = { writable: false, checkedAt: clock().toISOString(), error: storeErrorCode(err) }
    } finally {
      clearTimeout(timer)
    }
    if (this.last?.state.writable !== state.writable) this.opts.onChange?.(state, error)
    this.last = { state, at: performance.now() }
    return state
  }
}
