// The protective plugins: overload shedding on event-loop delay (under-pressure), secure headers
// (helmet), CORS allow-list, per-caller token-bucket rate limit (verified JWT issuer/tenant, else IP).

import type { IncomingMessage, ServerResponse } from 'node:http'
import cors from '@fastify/cors'
import helmet, { type HelmetOptions } from 'helmet'
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Metrics } from '../metrics.js'
import { isInfrastructure, pathOf } from './auth.js'
import { operationOutcome } from './outcome.js'
import { TokenBuckets } from './token-bucket.js'

export const RETRY_AFTER_SECONDS = 5

/** Which kind of caller a route serves: EHR hook calls are shed last. */
export function routeGroup (url: string): 'hook' | 'feedback' | 'tools' | 'other' {
  const path = pathOf(url)
  if (path.startsWith('/cds-services/')) return path.endsWith('/feedback') ? 'feedback' : 'hook'
  if (path === '/evaluate' || path.startsWith('/rules')) return 'tools'
  return 'other'
}

/**
 * Refusals are logged once per window per reason (with how many there were), never per call:
 * a flood of 429s must not become a flood of log lines.
 */
export class RefusalLog {
  private readonly last = new Map<string, { at: number, count: number }>()
  constructor (
    private readonly log: FastifyBaseLogger,
    private readonly windowMs = 10_000,
    private readonly now = Date.now
  ) {}

  note (reason: string, detail: Record<string, unknown>): void {
    const t = this.now()
    const seen = this.last.get(reason)
    if (seen !== undefined && t - seen.at < this.windowMs) { seen.count++; return }
    this.last.set(reason, { at: t, count: 0 })
    this.log.warn({ reason, ...detail, refusedSinceLastLog: seen?.count ?? 0 }, 'calls refused')
  }
}

export interface OverloadOptions {
  /** Hook calls are shed while the event loop's mean delay (last second) exceeds this; 0 = never. */
  maxDelayMs: number
  /** /evaluate and /rules/* are shed at this fraction of maxDelayMs. */
  toolsFraction: number
  metrics: Metrics
  refusals: RefusalLog
  /** An extra readiness probe (none in production; tests use it to force the overloaded state). */
  healthCheck?: () => Promise<boolean>
  /** The delay measurement (default: under-pressure's mean event-loop delay over the last second). */
  delayMs?: () => number
}

/** Whether a call of this route group is shed at this event-loop delay: tools first, probes never. */
export function shouldShed (
  group: ReturnType<typeof routeGroup>, delayMs: number, maxDelayMs: number, toolsFraction: number
): boolean {
  if (maxDelayMs <= 0) return false
  return delayMs > (group === 'tools' ? maxDelayMs * toolsFraction : maxDelayMs)
}

function shed (request: FastifyRequest, reply: FastifyReply, opts: OverloadOptions, cause: string): void {
  const route = routeGroup(request.url)
  opts.metrics.refused('overloaded', route)
  opts.refusals.note('overloaded', { cause, route })
  reply.code(503).header('retry-after', RETRY_AFTER_SECONDS).type('application/fhir+json')
    .send(operationOutcome('transient', [{
      expression: '', diagnostics: `service overloaded, retry in ${RETRY_AFTER_SECONDS} s`
    }]))
}

/**
 * Load shedding on event-loop delay, as under-pressure measures it: a busy loop that still answers
 * in time is not overloaded; a loop that is behind sheds tools first, hook calls only past the
 * budget, probes and metrics never.
 */
export async function registerOverloadProtection (app: FastifyInstance, opts: OverloadOptions): Promise<void> {
  await app.register(underPressure, {
    ...(opts.healthCheck === undefined ? {} : { healthCheck: opts.healthCheck, healthCheckInterval: 60_000 }),
    pressureHandler: (request, reply, type) => {
      if (!isInfrastructure(request)) shed(request, reply, opts, type)
    }
  })
  if (opts.maxDelayMs <= 0) return
  const delayMs = opts.delayMs ?? (() => app.memoryUsage().eventLoopDelay)
  app.addHook('onRequest', (request, reply, done) => {
    if (reply.sent || isInfrastructure(request)) { done(); return }
    const delay = delayMs()
    if (shouldShed(routeGroup(request.url), delay, opts.maxDelayMs, opts.toolsFraction)) {
      shed(request, reply, opts, `eventLoopDelay ${Math.round(delay)} ms`)
      return
    }
    done()
  })
}

export function corsOrigins (setting: string): string[] {
  return setting.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter((o) => o !== '')
}

// A JSON API: no document to protect with a CSP beyond "load nothing, frame nowhere".
const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } }
}

/**
 * The headers helmet sets for these options. They do not depend on the request, so helmet runs
 * once at start; @fastify/helmet would rebuild its middleware on every request, and that garbage
 * was a third of what each call pushed into the old generation.
 */
export function securityHeaders (options: HelmetOptions = HELMET_OPTIONS): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader (name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = String(value)
    },
    removeHeader (name: string) { Reflect.deleteProperty(headers, name.toLowerCase()) }
  }
  let failed: unknown
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => { failed = err })
  if (failed !== undefined) throw new Error(`helmet options: ${String(failed)}`)
  return headers
}

export async function registerHeadersAndCors (app: FastifyInstance, corsSetting: string): Promise<void> {
  const headers = securityHeaders()
  app.addHook('onRequest', (_request, reply, done) => { reply.headers(headers); done() })
  const origins = corsOrigins(corsSetting)
  if (origins.length === 0) return
  const allowed = new Set(origins)
  await app.register(cors, {
    // Any other origin (or none: server-to-server calls) gets no CORS headers at all.
    origin: (origin, cb) => { cb(null, origin !== undefined && allowed.has(origin) ? origin : false) },
    strictPreflight: false,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600
  })
}

/** Rate-limit key: the verified issuer (+ tenant) when auth is on, else the client address. */
export function clientKey (request: FastifyRequest): string {
  const caller = request.caller
  if (caller !== null && caller !== undefined) return `iss:${caller.iss}${caller.tenant === undefined ? '' : `|${caller.tenant}`}`
  return `ip:${request.ip}`
}

export interface RateLimitOptions { perSecond: number, burst: number, metrics: Metrics, refusals: RefusalLog }

/** A token bucket per caller (sustained rate + burst); 429 with Retry-After when it is empty. */
export async function registerRateLimit (app: FastifyInstance, opts: RateLimitOptions): Promise<TokenBuckets> {
  const buckets = new TokenBuckets({ perSecond: opts.perSecond, burst: opts.burst })
  await app.register(rateLimit, {
    global: true,
    max: buckets.burst,
    timeWindow: buckets.windowMs,
    store: buckets.storeClass(),
    // After the onRequest auth hook, so the verified caller is known; before the body is parsed.
    hook: 'preParsing',
    keyGenerator: clientKey,
    allowList: (request) => isInfrastructure(request),
    onExceeded: (request, key) => {
      const route = routeGroup(request.url)
      opts.metrics.refused('rate_limited', route)
      opts.refusals.note('rate_limited', { caller: key.startsWith('iss:') ? key : 'client address', route })
    },
    errorResponseBuilder: (_request, context) => Object.assign(
      new Error(`rate limit exceeded: ${opts.perSecond} calls per second (burst ${buckets.burst}); ` +
        `retry in ${context.after}`),
      { statusCode: context.statusCode })
  })
  return buckets
}
