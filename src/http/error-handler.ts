// One error handler: every non-2xx answer is an OperationOutcome naming what and where.
// Client mistakes get 4xx with the location; anything unexpected is a 500 with no internals.

import type { FastifyError, FastifyInstance } from 'fastify'
import { DomainError, type DomainErrorCode, type IssueLocation, expressionOf } from '../errors.js'
import { type IssueCode, operationOutcome } from './outcome.js'

const DOMAIN_STATUS: Record<DomainErrorCode, [number, IssueCode]> = {
  'invalid-request': [400, 'invalid'],
  'invalid-bundle': [400, 'invalid'],
  'invalid-rules': [422, 'invalid'],
  'unknown-service': [404, 'not-found'],
  'unknown-rule': [404, 'not-found'],
  'prefetch-unobtainable': [412, 'incomplete']
}

/** Ajv's `/context/patientId` → `context.patientId`; array indexes as `[0]`. */
function pointerExpression (instancePath: string, missing?: string): string {
  const parts = instancePath.split('/').filter(Boolean)
  if (missing !== undefined) parts.push(missing)
  return expressionOf(parts)
}

function validationIssues (err: FastifyError): IssueLocation[] {
  return (err.validation ?? []).map((v) => {
    const missing = v.keyword === 'required' ? String((v.params as { missingProperty?: string }).missingProperty) : undefined
    const expression = pointerExpression(v.instancePath, missing)
    return { expression, diagnostics: `${expression === '' ? 'body' : expression} ${missing !== undefined ? 'is required' : v.message ?? 'is invalid'}` }
  })
}

const FASTIFY_CODES: Record<string, IssueCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'structure',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'required',
  FST_ERR_CTP_BODY_TOO_LARGE: 'too-costly',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'not-supported',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'structure'
}

export function registerErrorHandling (app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof DomainError) {
      const [status, code] = DOMAIN_STATUS[err.code]
      return reply.code(status).type('application/fhir+json').send(operationOutcome(code, err.issues))
    }
    if (err.validation !== undefined) {
      return reply.code(400).type('application/fhir+json').send(operationOutcome('invalid', validationIssues(err)))
    }
    const status = err.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const code = FASTIFY_CODES[err.code] ?? (status === 429 ? 'throttled' : status === 401 ? 'login' : 'invalid')
      const where = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'Content-Type' : status === 429 ? '' : 'body'
      const message = err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? `body is not valid JSON: ${err.message}` : err.message
      return reply.code(status).type('application/fhir+json').send(operationOutcome(code, [{ expression: where, diagnostics: message }]))
    }
    request.log.error({ err }, 'unexpected error')
    const outStatus = status === 503 ? 503 : 500
    return reply.code(outStatus).type('application/fhir+json').send(operationOutcome(outStatus === 503 ? 'transient' : 'exception', [{ expression: '', diagnostics: outStatus === 503 ? 'service unavailable, retry later' : 'internal error; the incident was logged' }]))
  })
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).type('application/fhir+json').send(operationOutcome('not-found', [{ expression: 'url', diagnostics: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` }]))
  })
}
