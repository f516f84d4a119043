// TRUSTED_ISSUERS: the JSON object `iss` → JWKS URL, parsed and validated once at config load
// so a typo stops the boot with a clear message instead of rejecting every EHR call.

/** Issuer → its JWKS URL (the only URL keys are ever fetched from for that issuer). */
export type TrustedIssuers = ReadonlyMap<string, string>

export function parseTrustedIssuers (text: string): TrustedIssuers {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new Error('TRUSTED_ISSUERS must be a JSON object {"<iss>": "<JWKS URL>"}; it is not valid JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('TRUSTED_ISSUERS must be a JSON object {"<iss>": "<JWKS URL>"}')
  }
  const out = new Map<string, string>()
  for (const [iss, url] of Object.entries(value)) {
    if (iss === '') throw new Error('TRUSTED_ISSUERS has an empty issuer')
    if (typeof url !== 'string') throw new Error(`TRUSTED_ISSUERS["${iss}"] must be the JWKS URL as a string`)
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new Error(`TRUSTED_ISSUERS["${iss}"] is not a URL: ${url}`)
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`TRUSTED_ISSUERS["${iss}"] must be an http(s) URL`)
    out.set(iss, url)
  }
  return out
}

/** Checks the settings auth needs together; returns the problems (empty = fine). */
export function authSettingsProblems (settings: { AUTH_MODE: string, TRUSTED_ISSUERS: string, PUBLIC_BASE_URL: string }): string[] {
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
  if (settings.AUTH_MODE === 'jwt' && problems.length === 0 && issuers.size === 0) {
    problems.push('AUTH_MODE=jwt needs at least one issuer in TRUSTED_ISSUERS')
  }
  return problems
}
