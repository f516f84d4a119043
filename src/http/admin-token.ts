// The admin token (ADMIN_TOKEN, AUTH_MODE=jwt): the authoring routes need it (guardAdmin), and the
// tool routes the workbench calls accept it in place of a CDS client JWT (route config `adminToken`).

import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { operationOutcome } from './outcome.js'

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

/** True when the request carries `Authorization: Bearer <token>` and token is configured (not empty). */
export function hasAdminToken (request: FastifyRequest, token: string): boolean {
  if (token === '') return false
  const m = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')
  // Compare digests: equal length, constant time, and the token length is not leaked.
  return m !== null && timingSafeEqual(digest(m[1] as string), digest(token))
}

/** AUTH_MODE=jwt: the route needs `Authorization: Bearer <ADMIN_TOKEN>`; no token configured = disabled (403). */
export async function guardAdmin (
  what: string,
  config: Config,
  request: FastifyRequest,
  reply: FastifyReply
): Promise<FastifyReply | undefined> {
  if (config.AUTH_MODE !== 'jwt') return undefined
  if (config.ADMIN_TOKEN === '') {
    return await reply.code(403).type('application/fhir+json').send(operationOutcome('security', [{ expression: 'url', diagnostics: `${what} is disabled: AUTH_MODE=jwt and no ADMIN_TOKEN is configured` }]))
  }
  if (!hasAdminToken(request, config.ADMIN_TOKEN)) {
    return await reply.code(401).header('www-authenticate', 'Bearer').type('application/fhir+json').send(operationOutcome('login', [{ expression: 'Authorization', diagnostics: `${what} needs Authorization: Bearer <ADMIN_TOKEN>` }]))
  }
  return undefined
}
