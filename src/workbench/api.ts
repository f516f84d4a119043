// The one way views call the service: same origin, JSON in and out, the admin token (AUTH_MODE=jwt)
// kept in memory for this tab only, and every error as an ApiError carrying the OperationOutcome.

export interface OutcomeIssue { severity?: string, code?: string, diagnostics?: string, expression?: string[] }
export interface OperationOutcome { resourceType: 'OperationOutcome', issue: OutcomeIssue[] }

export class ApiError extends Error {
  constructor (readonly status: number, readonly outcome: OperationOutcome | undefined, message: string) {
    super(message)
    this.name = 'ApiError'
  }
}

let adminToken: string | undefined

/** The token sent as `Authorization: Bearer …` (AUTH_MODE=jwt); memory only, gone with the tab. */
export function setAdminToken (token: string | undefined): void { adminToken = token === '' ? undefined : token }
export function hasAdminToken (): boolean { return adminToken !== undefined }

export interface ApiInit { method?: 'GET' | 'POST', body?: unknown, query?: Record<string, string | undefined> }

function urlOf (path: string, query: ApiInit['query']): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, v)
  const qs = params.toString()
  return qs === '' ? path : `${path}?${qs}`
}

/** Calls the service; resolves with the parsed JSON body of a 2xx, rejects with ApiError otherwise. */
export async function api<T> (path: string, init: ApiInit = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (adminToken !== undefined) headers.authorization = `Bearer ${adminToken}`
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(urlOf(path, init.query), {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    credentials: 'omit',
    cache: 'no-store'
  })
  const text = await res.text()
  let parsed: unknown
  try { parsed = text === '' ? undefined : JSON.parse(text) } catch { parsed = undefined }
  if (res.ok) return parsed as T
  const outcome = (parsed as { resourceType?: string } | undefined)?.resourceType === 'OperationOutcome'
    ? parsed as OperationOutcome
    : undefined
  const first = outcome?.issue[0]?.diagnostics ?? (text.slice(0, 200) || res.statusText)
  throw new ApiError(res.status, outcome, `${res.status}: ${first}`)
}
