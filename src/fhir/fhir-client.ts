// The FHIR-server fallback (implements the FhirFetcher seam of src/cds/prefetch.ts) with undici:
// parallel queries, bounded same-origin paging, per-request and whole-call time budgets.

import { Agent, request } from 'undici'
import type { FhirFetcher } from '../cds/prefetch.js'

export interface FhirClientOptions {
  /** Bound of one HTTP request (headers and body). */
  timeoutMs: number
  /** Bound of the whole fetch of one hook call (all queries and pages). */
  budgetMs: number
  /** Pages read per query, the first included; a longer result stays marked as incomplete. */
  maxPages?: number
  /** Largest response body accepted, in bytes. */
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

function baseUrl (fhirServer: string): URL {
  let base: URL
  try {
    base = new URL(fhirServer.endsWith('/') ? fhirServer : `${fhirServer}/`)
  } catch {
    throw new FhirFetchError('fhirServer is not a URL')
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new FhirFetchError('fhirServer must be http(s)')
  return base
}

function nextLink (bundle: Record<string, unknown>): string | undefined {
  if (!Array.isArray(bundle.link)) return undefined
  for (const l of bundle.link as unknown[]) {
    const link = l as Record<string, unknown> | null
    if (link !== null && typeof link === 'object' && link.relation === 'next' && typeof link.url === 'string') return link.url
  }
  return undefined
}

export function createFhirClient (opts: FhirClientOptions): FhirClient {
  const maxPages = opts.maxPages ?? 5
  const agent = new Agent({
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    connectTimeout: opts.timeoutMs,
    maxResponseSize: opts.maxResponseBytes ?? 20 * 1024 * 1024
  })

  async function getJson (url: URL, headers: Record<string, string>, budget: AbortSignal): Promise<Record<string, unknown>> {
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

  async function getJsonOnce (url: URL, headers: Record<string, string>, budget: AbortSignal): Promise<Record<string, unknown>> {
    const signal = AbortSignal.any([budget, AbortSignal.timeout(opts.timeoutMs)])
    let res
    try {
      res = await request(url, { method: 'GET', headers, signal, dispatcher: agent })
    } catch (err) {
      if (budget.aborted) throw new FhirFetchError('request budget exhausted')
      if (signal.aborted) throw new FhirFetchError('FHIR request timed out')
      throw new FhirFetchError(`FHIR request failed (${(err as { code?: string }).code ?? 'network error'})`)
    }
    let text: string
    try {
      text = await res.body.text()
    } catch {
      throw new FhirFetchError(budget.aborted ? 'request budget exhausted' : 'FHIR response body could not be read (timeout or too large)')
    }
    if (res.statusCode < 200 || res.statusCode > 299) throw new FhirFetchError(`FHIR server answered ${res.statusCode}`)
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

  /** One query with its pages merged into the first Bundle; a `next` link is kept when pages remain. */
  async function query (base: URL, url: string, headers: Record<string, string>, budget: AbortSignal): Promise<unknown> {
    let target: URL
    try {
      target = new URL(url, base)
    } catch {
      throw new FhirFetchError('query is not a URL')
    }
    if (target.origin !== base.origin) throw new FhirFetchError('query leaves the FHIR server origin')
    const first = await getJson(target, headers, budget)
    if (first.resourceType !== 'Bundle') return first
    const entries: unknown[] = Array.isArray(first.entry) ? [...first.entry as unknown[]] : []
    let next = nextLink(first)
    for (let page = 1; page < maxPages && next !== undefined; page++) {
      let nextUrl: URL
      try {
        nextUrl = new URL(next, base)
      } catch {
        throw new FhirFetchError('next link is not a URL')
      }
      if (nextUrl.origin !== base.origin) throw new FhirFetchError('next link leaves the FHIR server origin')
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
      let base: URL
      try {
        base = baseUrl(fhirServer)
      } catch (err) {
        for (const q of queries) out.set(q.key, err)
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
