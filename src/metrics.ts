// Prometheus metrics on a per-app Registry (several apps can live in one process, e.g. tests).
// FHIR client API: `metrics.fhirFetch(durationMs, ok)` once per HTTP request to the EHR's FHIR
// server; app.ts also wraps the injected FhirFetcher, timing each whole fallback (fhirFallback).

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { FhirFetcher } from './fhir/fetcher.js'

export type PrefetchState = 'supplied' | 'absent' | 'unavailable'

export class Metrics {
  readonly registry = new Registry()
  private readonly hookSeconds = new Histogram({
    name: 'cds_hook_request_duration_seconds',
    help: 'CDS Hooks service calls: time to answer, by service and HTTP status',
    labelNames: ['service', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 5],
    registers: [this.registry]
  })

  private readonly cards = new Counter({ name: 'cds_cards_total', help: 'Cards returned, by rule and indicator', labelNames: ['rule', 'indicator'] as const, registers: [this.registry] })
  private readonly prefetchKeys = new Counter({
    name: 'cds_prefetch_keys_total',
    help: 'Prefetch keys per hook call: supplied by the EHR (hit), absent from the request (miss), unavailable to the rules',
    labelNames: ['service', 'key', 'state'] as const,
    registers: [this.registry]
  })

  private readonly fhirSeconds = new Histogram({
    name: 'cds_fhir_request_duration_seconds',
    help: 'Single requests to the EHR FHIR server (reported by the FHIR client via fhirFetch), by result',
    labelNames: ['result'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry]
  })

  private readonly fhirErrors = new Counter({ name: 'cds_fhir_request_errors_total', help: 'Requests to the EHR FHIR server that failed', registers: [this.registry] })
  private readonly fallbackSeconds = new Histogram({
    name: 'cds_fhir_fallback_duration_seconds',
    help: 'Prefetch fallback per hook call (all absent keys fetched from the FHIR server), by result',
    labelNames: ['result'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry]
  })

  private readonly fallbackErrors = new Counter({ name: 'cds_fhir_fallback_errors_total', help: 'Prefetch fallbacks where a key failed or the fetch threw', registers: [this.registry] })
  private readonly feedbackOutcomes = new Counter({ name: 'cds_feedback_total', help: 'Feedback entries received, by outcome', labelNames: ['outcome'] as const, registers: [this.registry] })
  private readonly feedbackUnknown = new Counter({ name: 'cds_feedback_unknown_card_total', help: 'Feedback entries naming a card uuid this service never issued (stored, flagged)', registers: [this.registry] })
  private readonly storeErrors = new Counter({ name: 'cds_store_write_errors_total', help: 'Store batches that failed to write (their audit/card rows are retried)', registers: [this.registry] })
  private readonly storeLost = new Counter({
    name: 'cds_store_rows_lost_total',
    help: 'Audit/card rows given up, by reason: buffer-full (retry buffer at its bound), refused (the store rejects the row itself), shutdown (store down at exit)',
    labelNames: ['reason'] as const,
    registers: [this.registry]
  })

  private readonly storeWritable = new Gauge({ name: 'cds_store_writable', help: 'Last store write probe (readiness): 1 writable, 0 not', registers: [this.registry] })
  private readonly storeWritten = new Counter({ name: 'cds_store_rows_written_total', help: 'Rows written to the store', registers: [this.registry] })

  private readonly refusedCalls = new Counter({
    name: 'cds_requests_refused_total',
    help: 'Calls refused before they ran: rate_limited (429) or overloaded (503), by route group',
    labelNames: ['reason', 'route'] as const,
    registers: [this.registry]
  })

  private queueDepth: () => number = () => 0

  constructor (opts: { defaultMetrics?: boolean } = {}) {
    const depth = (): number => this.queueDepth()
    // eslint-disable-next-line no-new
    new Gauge({
      name: 'cds_store_queue_depth',
      help: 'Rows waiting to be written to the store',
      registers: [this.registry],
      collect () { this.set(depth()) }
    })
    for (const reason of ['buffer-full', 'refused', 'shutdown']) this.storeLost.inc({ reason }, 0)
    this.storeWritable.set(1)
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry })
  }

  /** The gauge cds_store_queue_depth reads this when scraped. */
  watchQueue (depth: () => number): void { this.queueDepth = depth }

  hookRequest (service: string, status: number, seconds: number): void {
    this.hookSeconds.observe({ service, status: String(status) }, seconds)
  }

  /** A call refused with 429 (rate_limited) or 503 (overloaded); route is a group (hook, tools, feedback, other). */
  refused (reason: 'rate_limited' | 'overloaded', route: string): void { this.refusedCalls.inc({ reason, route }) }
  card (rule: string, indicator: string): void { this.cards.inc({ rule, indicator }) }
  prefetch (service: string, key: string, state: PrefetchState): void { this.prefetchKeys.inc({ service, key, state }) }
  /** One request to the EHR's FHIR server (prefetch fallback). */
  fhirFetch (durationMs: number, ok: boolean): void {
    this.fhirSeconds.observe({ result: ok ? 'ok' : 'error' }, durationMs / 1000)
    if (!ok) this.fhirErrors.inc()
  }

  feedback (outcome: string, n = 1): void { this.feedbackOutcomes.inc({ outcome }, n) }
  feedbackUnknownCards (n: number): void { if (n > 0) this.feedbackUnknown.inc(n) }
  storeWriteError (): void { this.storeErrors.inc() }
  storeRowsDropped (rows: number, reason: 'buffer-full' | 'refused' | 'shutdown'): void { this.storeLost.inc({ reason }, rows) }
  storeProbe (writable: boolean): void { this.storeWritable.set(writable ? 1 : 0) }
  storeRowsWritten (rows: number): void { this.storeWritten.inc(rows) }

  /** One prefetch fallback (the whole FhirFetcher.fetch call of a hook call). */
  fhirFallback (durationMs: number, ok: boolean): void {
    this.fallbackSeconds.observe({ result: ok ? 'ok' : 'error' }, durationMs / 1000)
    if (!ok) this.fallbackErrors.inc()
  }

  /** A FhirFetcher that reports each fallback call (its duration; ok unless a key came back as an Error). */
  instrument (fetcher: FhirFetcher): FhirFetcher {
    return {
      fetch: async (args) => {
        const started = performance.now()
        try {
          const result = await fetcher.fetch(args)
          this.fhirFallback(performance.now() - started, ![...result.values()].some((v) => v instanceof Error))
          return result
        } catch (err) {
          this.fhirFallback(performance.now() - started, false)
          throw err
        }
      }
    }
  }

  async text (): Promise<string> { return await this.registry.metrics() }
  get contentType (): string { return this.registry.contentType }
}
