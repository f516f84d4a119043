// A loopback FHIR server for tests: routes by path (and query), records every request's headers,
// and can hold answers (slow), fail (401/500), answer invalid JSON or page a Bundle.

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Handler = (res: ServerResponse, url: URL) => void

export interface MockFhirServer {
  base: string
  origin: string
  requests: Array<{ url: string, headers: IncomingHttpHeaders }>
  routes: Map<string, Handler>
  /** Requests in flight right now (to prove parallel queries). */
  inFlight: () => number
  close: () => Promise<void>
}

export const json = (body: unknown, status = 200): Handler => (res) => {
  res.writeHead(status, { 'content-type': 'application/fhir+json' })
  res.end(JSON.stringify(body))
}

export const never: Handler = () => { /* holds the answer until the server closes */ }

export async function startMockFhirServer (): Promise<MockFhirServer> {
  const routes = new Map<string, Handler>()
  const requests: MockFhirServer['requests'] = []
  const open = new Set<ServerResponse>()
  let inFlight = 0
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    requests.push({ url: `${url.pathname}${url.search}`, headers: req.headers })
    inFlight++
    open.add(res)
    res.on('close', () => { inFlight--; open.delete(res) })
    const path = url.pathname.replace(/^\/fhir\//, '')
    const handler = routes.get(`${path}${url.search}`) ?? routes.get(path) ?? json({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] }, 404)
    handler(res, url)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    base: `${origin}/fhir`,
    origin,
    requests,
    routes,
    inFlight: () => inFlight,
    close: async () => {
      for (const res of open) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

export function searchset (resources: unknown[], next?: string): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(next === undefined ? {} : { link: [{ relation: 'next', url: next }] }),
    entry: resources.map((resource) => ({ resource }))
  }
}

/** Sends the headers and the start of a Bundle, then nothing more (a server stuck mid-body). */
export const stallMidBody: Handler = (res) => {
  res.writeHead(200, { 'content-type': 'application/fhir+json' })
  res.write('{"resourceType": "Bundle", "type": "searchset", "entry": [')
}

/**
 * A valid searchset Bundle of about `bytes` bytes, streamed in 64 KiB chunks as fast as the
 * client reads (chunked, or with a Content-Length when `declareLength`); `sent.bytes` counts what
 * was written before the client stopped reading.
 */
export function hugeBundle (bytes: number, sent: { bytes: number }, declareLength = false): Handler {
  const head = '{"resourceType": "Bundle", "type": "searchset", "padding": "'
  const tail = '"}'
  const chunk = 'x'.repeat(65_536)
  const chunks = Math.ceil(bytes / chunk.length)
  return (res) => {
    res.writeHead(200, {
      'content-type': 'application/fhir+json',
      ...(declareLength ? { 'content-length': String(head.length + chunks * chunk.length + tail.length) } : {})
    })
    let n = 0
    const pump = (): void => {
      while (n < chunks && !res.destroyed) {
        n++
        sent.bytes += chunk.length
        if (!res.write(n === 1 ? head + chunk : chunk)) { res.once('drain', pump); return }
      }
      if (!res.destroyed) res.end(tail)
    }
    pump()
  }
}
