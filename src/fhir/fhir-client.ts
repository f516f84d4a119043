// The FHIR-server fallback (implements the FhirFetcher port of src/fhir/fetcher.ts) with undici:
// parallel queries; `link[next]` followed until the result is complete, the budget runs out or
// the per-key resource cap is reached, and only under the fhirServer base URL (same origin and
// path); per-request and whole-call time budgets that also bound reading bodies; a byte cap
// per response.

import { Agent, request } from 'undici'
import type { FhirFetcher } from './fetcher.js'
import { type FhirBase, isUnderBase, parseFhirBase } from './base-url.js'
import { BodyTooLargeError, readBodyText } from './read-body.js'

export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024
export const DEFAULT_MAX_RESOURCES_PER_KEY = 10_000

export interface FhirClientOptions {
  /** Bound of one HTTP request (headers and body). */
  timeoutMs: number
  /** Bound of the whole fetch of one hook call (all queries, pages and bodies). */
  budgetMs: number
  /** Resources read per query across its pages; past it the result keeps its `next` link (incomplete). */
  maxResourcesPerKey?: number
  /** Largest response body read, in bytes; a larger one is cut off and is an error for its key. */
  maxResponseBytes?: number
  /** Told about every HTTP request to the FHIR server (metrics: Metrics.fhirFetch). */
  onRequest?: (durationMs: number, ok: boolean) => void
}

export interface FhirClient extends FhirFetcher {
  close: () => Promise<void>
}

/** A failed fetch; the message never holds the URL (it names the patient) nor the token. */
export class FhirFetchError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'FhirFetchError'
  }
}

function nextLink (bundle: Record<string, unknown>): string | undefined {
  if (!Array.isArray(bundle.link)) return undefined
  for (const l of bundle.link as unknown[]) {
    const link = l as Record<string, unknown> | null
    if (link !== null && typeof link === 'object' && link.relation === 'next' && typeof link.url === 'string') return link.url
  }
  return undefined
}

/** `url` resolved against the base; an error unless it stays under the base (origin and path). */
function underBase (base: FhirBase, url: string, what: string): URL {
  let target: URL
  try {
    target = new URL(url, base.url)
  } catch {
    throw new FhirFetchError(`${what} is not a URL`)
  }
  if (!isUnderBase(target, base)) throw new FhirFetchError(`${what} leaves the fhirServer base URL`)
  return target
}

export function createFhirClient (opts: FhirClientOptions): FhirClient {
  const maxResources = opts.maxResourcesPerKey ?? DEFAULT_MAX_RESOURCES_PER_KEY
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  // No redirects are followed (undici's request follows none without an interceptor).
  const agent = new Agent({
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    connectTimeout: opts.timeoutMs,
    maxResponseSize: maxBytes
  })

  async function getJson (
    url: URL,
    headers: Record<string, string>,
    budget: AbortSignal
  ): Promise<Record<string, unknown>> {
    const started = performance.now()
    try {
      const value = await getJsonOnce(url, headers, budget)
      opts.onRequest?.(performance.now() - started, true)
      return value
    } catch (err) {
      opts.onRequest?.(performance.now() - started, false)
      throw err
    }
  }

  async function getJsonOnce (
    url: URL,
    headers: Record<string, string>,
    budget: AbortSignal
  ): Promise<Record<string, unknown>> {
    if (budget.aborted) throw new FhirFetchError('request budget exhausted')
    const signal = AbortSignal.any([budget, AbortSignal.timeout(opts.timeoutMs)])
    let res
    try {
      res = await request(url, { method: 'GET', headers, signal, dispatcher: agent })
    } catch (err) {
      if (budget.aborted) throw new FhirFetchError('request budget exhausted')
      if (signal.aborted) throw new FhirFetchError('FHIR request timed out')
      throw new FhirFetchError(`FHIR request failed (${(err as { code?: string }).code ?? 'network error'})`)
    }
    if (res.statusCode < 200 || res.statusCode > 299) {
      res.body.on('error', () => {}).destroy()
      throw new FhirFetchError(`FHIR server answered ${res.statusCode}`)
    }
    let text: string
    try {
      text = await readBodyText(res.body, maxBytes, res.headers['content-length'])
    } catch (err) {
      if (budget.aborted) throw new FhirFetchError('request budget exhausted')
      if (err instanceof BodyTooLargeError || (err as { code?: string }).code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
        throw new FhirFetchError(`FHIR response larger than ${maxBytes} bytes (FHIR_MAX_RESPONSE_BYTES)`)
      }
      throw new FhirFetchError(signal.aborted ? 'FHIR request timed out' : 'FHIR response body could not be read')
    }
    // Past the deadline the answer is not wanted: do not spend the event loop parsing it.
    if (budget.aborted) throw new FhirFetchError('request budget exhausted')
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw new FhirFetchError('FHIR server answered invalid JSON')
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as { resourceType?: unknown }).resourceType !== 'string') {
      throw new FhirFetchError('FHIR server answered something that is not a resource')
    }
    return value as Record<string, unknown>
  }

  /**
   * One query with its pages merged into the first Bundle. Pages are read until none is left;
   * past `maxResources` the `next` link is kept so the key counts as incomplete. A failed page
   * or the budget running out is an error for the key (never a silently shortened result).
   */
  async function query (
    base: FhirBase,
    url: string,
    headers: Record<string, string>,
    budget: AbortSignal
  ): Promise<unknown> {
    const target = underBase(base, url, 'query')
    const first = await getJson(target, headers, budget)
    if (first.resourceType !== 'Bundle') return first
    const entries: unknown[] = Array.isArray(first.entry) ? [...first.entry as unknown[]] : []
    const seen = new Set([target.href])
    let next = nextLink(first)
    while (next !== undefined && entries.length < maxResources) {
      const nextUrl = underBase(base, next, 'next link')
      if (seen.has(nextUrl.href)) throw new FhirFetchError('next link repeats a page already read')
      seen.add(nextUrl.href)
      const bundle = await getJson(nextUrl, headers, budget)
      if (bundle.resourceType !== 'Bundle') throw new FhirFetchError('next page is not a Bundle')
      if (Array.isArray(bundle.entry)) entries.push(...bundle.entry as unknown[])
      next = nextLink(bundle)
    }
    const { link: _link, ...rest } = first
    return { ...rest, entry: entries, ...(next === undefined ? {} : { link: [{ relation: 'next', url: next }] }) }
  }

  return {
    async fetch ({ fhirServer, authorization, queries }) {
      const out = new Map<string, unknown>()
      let base: FhirBase
      try {
        base = parseFhirBase(fhirServer)
      } catch (err) {
        for (const q of queries) out.set(q.key, new FhirFetchError(`fhirServer ${(err as Error).message}`))
        return out
      }
      const headers: Record<string, string> = { accept: 'application/fhir+json' }
      const token = authorization?.access_token
      if (typeof token === 'string' && token !== '') headers.authorization = `Bearer ${token}`
      const budget = AbortSignal.timeout(opts.budgetMs)
      const settled = await Promise.allSettled(queries.map(async (q) => await query(base, q.url, headers, budget)))
      settled.forEach((s, i) => {
        const key = (queries[i] as { key: string }).key
        out.set(key, s.status === 'fulfilled' ? s.value : s.reason instanceof Error ? s.reason : new FhirFetchError('FHIR request failed'))
      })
      return out
    },
    async close () { await agent.close() }
  }
}
