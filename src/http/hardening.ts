// The protective plugins: overload shedding (under-pressure), secure headers (helmet), CORS
// allow-list, per-client rate limit (keyed on the verified JWT issuer/tenant, else the IP).

import type { IncomingMessage, ServerResponse } from 'node:http'
import cors from '@fastify/cors'
import helmet, { type HelmetOptions } from 'helmet'
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { isInfrastructure } from './auth.js'
import { operationOutcome } from './outcome.js'

export const RETRY_AFTER_SECONDS = 5

export interface OverloadOptions {
  maxEventLoopUtilization: number
  /** An extra readiness probe (none in production; tests use it to force the overloaded state). */
  healthCheck?: () => Promise<boolean>
}

export async function registerOverloadProtection (app: FastifyInstance, opts: OverloadOptions): Promise<void> {
  await app.register(underPressure, {
    // 1 (or more) disables the check: utilization never exceeds 1.
    maxEventLoopUtilization: opts.maxEventLoopUtilization >= 1 ? 0 : opts.maxEventLoopUtilization,
    // Utilization over the last sample (1 s), not since start: a busy past must not shed load now.
    eventLoopUtilizationMode: 'interval',
    retryAfter: RETRY_AFTER_SECONDS,
    ...(opts.healthCheck === undefined ? {} : { healthCheck: opts.healthCheck, healthCheckInterval: 60_000 }),
    pressureHandler: (request, reply, type) => {
      request.log.warn({ type }, 'overloaded: request shed')
      reply.code(503).header('retry-after', RETRY_AFTER_SECONDS).type('application/fhir+json')
        .send(operationOutcome('transient', [{ expression: '', diagnostics: `service overloaded, retry in ${RETRY_AFTER_SECONDS} s` }]))
    }
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
    setHeader (name: string, value: string | number | readonly string[]) { headers[name.toLowerCase()] = String(value) },
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

export async function registerRateLimit (app: FastifyInstance, maxPerMinute: number): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    max: maxPerMinute,
    timeWindow: 60_000,
    // After the onRequest auth hook, so the verified caller is known; before the body is parsed.
    hook: 'preParsing',
    keyGenerator: clientKey,
    allowList: (request) => isInfrastructure(request),
    errorResponseBuilder: (_request, context) => Object.assign(new Error(`rate limit exceeded: ${context.max} requests per minute; retry in ${context.after}`), { statusCode: context.statusCode })
  })
}
