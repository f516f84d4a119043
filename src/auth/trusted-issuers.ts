// TRUSTED_ISSUERS: the JSON object `iss` → JWKS URL, or `iss` → {jwks, fhirServers}, parsed and
// validated once at config load so a typo stops the boot with a clear message instead of
// rejecting every EHR call. FHIR_SERVER_ALLOW (AUTH_MODE=off) is checked here too.

import { parseFhirBase } from '../fhir/base-url.js'

export interface TrustedIssuer {
  /** The only URL keys are ever fetched from for this issuer. */
  jwks: string
  /** Normal forms (see fhir/base-url.ts) of the FHIR base URLs its calls may name; empty = none. */
  fhirServers: readonly string[]
  /** Tenants this issuer serves: only these `tenant` claim values are accepted, each its own rate-limit budget. */
  tenants: readonly string[]
}

export type TrustedIssuers = ReadonlyMap<string, TrustedIssuer>

const SHAPE = 'TRUSTED_ISSUERS must be a JSON object {"<iss>": "<JWKS URL>"} or ' +
  '{"<iss>": {"jwks": "<JWKS URL>", "fhirServers": ["<FHIR base URL>", …], "tenants": ["<tenant>", …]}}'

function jwksUrl (where: string, url: unknown): string {
  if (typeof url !== 'string') throw new Error(`${where} must be the JWKS URL as a string`)
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`${where} is not a URL: ${url}`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`${where} must be an http(s) URL`)
  return url
}

/** Normal forms of a list of FHIR base URLs (duplicates dropped); `where` names the setting in messages. */
export function parseFhirServerList (where: string, urls: readonly unknown[]): string[] {
  const keys: string[] = []
  for (const [i, u] of urls.entries()) {
    if (typeof u !== 'string' || u === '') throw new Error(`${where}[${i}] must be a FHIR base URL string`)
    let key: string
    try {
      key = parseFhirBase(u).key
    } catch (err) {
      throw new Error(`${where}[${i}] ${(err as Error).message}: ${u}`)
    }
    if (!keys.includes(key)) keys.push(key)
  }
  return keys
}

function issuerEntry (iss: string, value: unknown): TrustedIssuer {
  const where = `TRUSTED_ISSUERS["${iss}"]`
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { jwks: jwksUrl(where, value), fhirServers: [], tenants: [] }
  const { jwks, fhirServers, tenants, ...rest } = value as Record<string, unknown>
  const unknown = Object.keys(rest)
  if (unknown.length > 0) throw new Error(`${where} has unknown members: ${unknown.join(', ')} (allowed: jwks, fhirServers, tenants)`)
  if (fhirServers !== undefined && !Array.isArray(fhirServers)) {
    throw new Error(`${where}.fhirServers must be an array of FHIR base URLs`)
  }
  if (tenants !== undefined && (!Array.isArray(tenants) || tenants.some((x) => typeof x !== 'string' || x === ''))) {
    throw new Error(`${where}.tenants must be an array of tenant names (the JWT tenant claim values this issuer sends)`)
  }
  return {
    jwks: jwksUrl(`${where}.jwks`, jwks),
    fhirServers: parseFhirServerList(`${where}.fhirServers`, (fhirServers ?? []) as unknown[]),
    tenants: [...new Set((tenants ?? []) as string[])]
  }
}

export function parseTrustedIssuers (text: string): TrustedIssuers {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error(`${SHAPE}; it is not valid JSON`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(SHAPE)
  const out = new Map<string, TrustedIssuer>()
  for (const [iss, entry] of Object.entries(value)) {
    if (iss === '') throw new Error('TRUSTED_ISSUERS has an empty issuer')
    out.set(iss, issuerEntry(iss, entry))
  }
  return out
}

/** FHIR_SERVER_ALLOW: comma-separated base URLs → their normal forms (empty list = any server). */
export function parseFhirServerAllow (text: string): string[] {
  return parseFhirServerList('FHIR_SERVER_ALLOW', text.split(',').map((s) => s.trim()).filter((s) => s !== ''))
}

interface AuthSettings {
  AUTH_MODE: string
  TRUSTED_ISSUERS: string
  PUBLIC_BASE_URL: string
  FHIR_SERVER_ALLOW?: string
}

/** Checks the settings auth needs together; returns the problems (empty = fine). */
export function authSettingsProblems (settings: AuthSettings): string[] {
  const problems: string[] = []
  let issuers: TrustedIssuers = new Map()
  try {
    issuers = parseTrustedIssuers(settings.TRUSTED_ISSUERS)
  } catch (err) {
    problems.push((err as Error).message)
  }
  try {
    const base = new URL(settings.PUBLIC_BASE_URL)
    if (base.search !== '' || base.hash !== '') problems.push('PUBLIC_BASE_URL must not have a query or fragment')
  } catch {
    problems.push(`PUBLIC_BASE_URL is not a URL: ${settings.PUBLIC_BASE_URL}`)
  }
  const allow = settings.FHIR_SERVER_ALLOW ?? ''
  try {
    parseFhirServerAllow(allow)
  } catch (err) {
    problems.push((err as Error).message)
  }
  if (settings.AUTH_MODE === 'jwt' && allow.trim() !== '') {
    problems.push('FHIR_SERVER_ALLOW applies only with AUTH_MODE=off; ' +
      'with AUTH_MODE=jwt list each issuer\'s fhirServers in TRUSTED_ISSUERS')
  }
  if (settings.AUTH_MODE === 'jwt' && problems.length === 0 && issuers.size === 0) {
    problems.push('AUTH_MODE=jwt needs at least one issuer in TRUSTED_ISSUERS')
  }
  return problems
}
