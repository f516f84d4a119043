// The 503 answer when the store cannot take a write or answer the replay check: a transient
// OperationOutcome with Retry-After, so a CDS client retries instead of treating it as success.

import type { FastifyReply } from 'fastify'
import { operationOutcome } from './outcome.js'

/** Seconds a client is asked to wait before retrying while the store is unavailable. */
export const STORE_RETRY_AFTER_SECONDS = 5

export function storeUnavailable (reply: FastifyReply, what: string): FastifyReply {
  return reply.code(503).header('retry-after', STORE_RETRY_AFTER_SECONDS).type('application/fhir+json')
    .send(operationOutcome('transient', [{ expression: '', diagnostics: `${what}, retry in ${STORE_RETRY_AFTER_SECONDS} s` }]))
}
