// onRequest hook for AUTH_MODE=jwt: every route except health, metrics and docs needs a verified
// CDS Hooks client JWT. A refusal is a 401 OperationOutcome with no reason; the reason is logged.
// When the shared jti replay check (the store) cannot answer, the call is refused with 503 (fail closed).

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AuthError, ReplayCheckUnavailable } from '../auth/auth-error.js'
import type { JwtVerifier, VerifiedCaller } from '../auth/verify-jwt.js'
import { hasAdminToken } from './admin-token.js'
import { operationOutcome } from './outcome.js'
import { storeUnavailable } from './unavailable.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified JWT caller (AUTH_MODE=jwt), else null. */
    caller: VerifiedCaller | null
  }
  interface FastifyContextConfig {
    /** false: the route does its own authentication (e.g. an admin token) and skips the JWT check. */
    jwtAuth?: boolean
    /** true: a tool route (the workbench calls it) that also accepts `Bearer <ADMIN_TOKEN>` in place of a JWT. */
    adminToken?: boolean
  }
}

const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics'])

export function pathOf (url: string): string {
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

/** Probes, metrics, API docs and CORS preflights: never authenticated nor rate limited. */
export function isInfrastructure (request: FastifyRequest): boolean {
  const path = pathOf(request.url)
  return request.method === 'OPTIONS' || OPEN_PATHS.has(path) || path === '/docs' || path.startsWith('/docs/')
}

/** Reachable without a JWT: the above, and routes that declare their own authentication. */
export function isOpen (request: FastifyRequest): boolean {
  return isInfrastructure(request) || request.routeOptions.config?.jwtAuth === false
}

export function registerJwtAuth (app: FastifyInstance, verifier: JwtVerifier, adminToken = ''): void {
  app.decorateRequest('caller', null)
  app.addHook('onRequest', async (request, reply) => {
    if (isOpen(request)) return
    if (request.routeOptions.config?.adminToken === true && hasAdminToken(request, adminToken)) return
    try {
      request.caller = await verifier.verify(request.headers.authorization, pathOf(request.url))
    } catch (err) {
      if (err instanceof ReplayCheckUnavailable) {
        // Fail closed: without the shared replay check a replayed token could pass on this instance.
        request.log.error({ code: err.code, method: request.method, path: pathOf(request.url) }, 'jti replay check unavailable: call refused')
        return storeUnavailable(reply, 'token replay check unavailable')
      }
      const reason = err instanceof AuthError ? err.reason : 'verification error'
      request.log.warn({ reason, method: request.method, path: pathOf(request.url) }, 'authentication failed')
      reply.code(401).header('www-authenticate', 'Bearer').type('application/fhir+json')
        .send(operationOutcome('login', [{ expression: '', diagnostics: 'authentication required' }]))
      return reply
    }
  })
}
