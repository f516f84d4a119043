// A token-bucket store for @fastify/rate-limit: each caller key holds up to `burst` tokens, refilled
// at `perSecond`; a call takes one. The plugin keeps its headers, allow-list and 429 handling; this
// store only answers "how many calls are in use" (burst − tokens left) and when the next token comes.
// Per process: with N replicas a caller's sustained rate is N × perSecond (README says so).

import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import { LruMap } from 'toad-cache'

export interface BucketOptions { perSecond: number, burst: number, now?: () => number, maxKeys?: number }

interface Bucket { tokens: number, at: number }

type Callback = (err: Error | null, res: { current: number, ttl: number }) => void

export class TokenBuckets {
  private readonly buckets: LruMap<Bucket>
  private readonly now: () => number
  readonly perSecond: number
  readonly burst: number

  constructor (opts: BucketOptions) {
    this.perSecond = opts.perSecond
    this.burst = opts.burst
    this.now = opts.now ?? Date.now
    this.buckets = new LruMap<Bucket>(opts.maxKeys ?? 10_000)
  }

  /** Milliseconds to refill the whole bucket: the plugin's "time window" for its reset header. */
  get windowMs (): number { return Math.ceil(this.burst / this.perSecond * 1000) }

  private refilled (key: string, t: number): Bucket {
    const b = this.buckets.get(key)
    if (b === undefined) return { tokens: this.burst, at: t }
    return { tokens: Math.min(this.burst, b.tokens + (t - b.at) / 1000 * this.perSecond), at: t }
  }

  /** Milliseconds until a whole token is there (0 when one is). */
  private untilNext (tokens: number): number {
    return tokens >= 1 ? 0 : Math.ceil((1 - tokens) / this.perSecond * 1000)
  }

  /** Takes a token when one is there. `current` > burst means refused; `ttl` = ms until the next token. */
  take (key: string): { current: number, ttl: number } {
    const t = this.now()
    const b = this.refilled(key, t)
    const allowed = b.tokens >= 1
    const next = allowed ? { tokens: b.tokens - 1, at: t } : b
    this.buckets.set(key, next)
    const ttl = this.untilNext(next.tokens)
    return { current: allowed ? this.burst - Math.floor(next.tokens) : this.burst + 1, ttl }
  }

  peek (key: string): { current: number, ttl: number } {
    const b = this.refilled(key, this.now())
    return { current: this.burst - Math.floor(b.tokens), ttl: this.untilNext(b.tokens) }
  }

  /** The store class @fastify/rate-limit instantiates (`store` option); routes share the caller's bucket. */
  storeClass (): FastifyRateLimitStoreCtor {
    const buckets = this
    return class TokenBucketStore implements FastifyRateLimitStore {
      incr (key: string, cb: Callback): void { cb(null, buckets.take(key)) }
      read (key: string, cb: Callback): void { cb(null, buckets.peek(key)) }
      child (): FastifyRateLimitStore { return new TokenBucketStore() }
    }
  }
}
