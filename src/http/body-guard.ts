// Hostile request shapes made cheap: JSON bodies from LARGE_BODY_BYTES up are checked for nesting
// depth on the raw bytes before JSON.parse (5 MB of "[" is refused in microseconds, not parsed for
// seconds) and are parsed and evaluated a few at a time (bounded memory); protocol-level failures
// (oversized headers, a body that trickles past REQUEST_TIMEOUT_MS) answer with an OperationOutcome.

import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { MAX_JSON_DEPTH } from '../cds/limits.js'
import { operationOutcome } from './outcome.js'
import { Semaphore } from './semaphore.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Releases this request's large-body slot (set while it holds one). */
    releaseLargeBody: (() => void) | null
  }
}

const OPEN = [0x5b, 0x7b] // [ {
const CLOSE = [0x5d, 0x7d] // ] }

/** True when the JSON text nests arrays/objects deeper than `max` (strings skipped, escapes honoured). */
export function nestsDeeperThan (buf: Uint8Array, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i] as number
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) {
      inString = true
    } else if (c === OPEN[0] || c === OPEN[1]) {
      if (++depth > max) return true
    } else if (c === CLOSE[0] || c === CLOSE[1]) {
      depth--
    }
  }
  return false
}

export interface BodyGuardOptions { largeBodyBytes: number, concurrency: number, waitMs: number }

const clientError = (status: number, message: string): Error =>
  Object.assign(new Error(message), { statusCode: status })

/** The JSON parsers (application/json and application/fhir+json) with the depth pre-check and the gate. */
export function registerJsonParsers (app: FastifyInstance, opts: BodyGuardOptions): Semaphore {
  const gate = new Semaphore(opts.concurrency)
  // Fastify's default JSON parser answers through `done` and returns nothing (its type allows a promise).
  type Done = (err: Error | null, value?: unknown) => void
  const parse = app.getDefaultJsonParser('error', 'error') as (request: FastifyRequest, body: string | Buffer, done: Done) => void
  app.decorateRequest('releaseLargeBody', null)
  const release = (request: FastifyRequest): void => {
    const r = request.releaseLargeBody
    request.releaseLargeBody = null
    if (r !== null) r()
  }
  app.addHook('onResponse', (request, _reply, done) => { release(request); done() })
  app.addHook('onRequestAbort', (request, done) => { release(request); done() })
  const parser = (request: FastifyRequest, body: Buffer, done: Done): void => {
    if (body.length < opts.largeBodyBytes) { parse(request, body, done); return }
    if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
      done(clientError(400, `body nests deeper than ${MAX_JSON_DEPTH} levels`))
      return
    }
    gate.acquire(opts.waitMs).then((releaseSlot) => {
      request.releaseLargeBody = releaseSlot
      // The client left while this body waited (its abort hook has run): give the slot back now.
      // (request.raw.destroyed is no test: a fully read IncomingMessage is auto-destroyed.)
      if (request.raw.socket?.destroyed ?? false) {
        release(request)
        done(clientError(400, 'the client closed the connection'))
        return
      }
      parse(request, body, done)
    }, () => {
      done(clientError(503, 'too many large requests at once; retry in a few seconds ' +
        `(bodies over ${opts.largeBodyBytes} bytes: ${opts.concurrency} at a time)`))
    }).catch(done)
  }
  app.removeContentTypeParser(['application/json'])
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, parser)
  app.addContentTypeParser('application/fhir+json', { parseAs: 'buffer' }, parser)
  return gate
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'timeout', 'the request was not received completely within the request timeout'],
  HPE_HEADER_OVERFLOW: [431, 'too-costly', 'request headers are larger than the server accepts'],
  ERR_HTTP_REQUEST_HEADER_TOO_LARGE: [431, 'too-costly', 'request headers are larger than the server accepts']
}

/**
 * Fastify's clientErrorHandler: errors Node raises before a request reaches Fastify (header
 * overflow, request timeout, malformed HTTP) still get an OperationOutcome, then the socket closes.
 */
export function clientErrorHandler (this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const [status, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'structure', 'malformed HTTP request']
  this.log.info({ code: err.code, statusCode: status }, 'client error before routing')
  if (socket.writable) {
    const body = JSON.stringify(operationOutcome(code as 'timeout', [{ expression: '', diagnostics: message }]))
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/fhir+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy()
}
