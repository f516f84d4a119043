// Which `fhirServer` a hook call may name (issue 11, SSRF): the service sends the EHR's FHIR access
// token there, so with AUTH_MODE=jwt it must be one of the base URLs configured for the caller's
// verified issuer (TRUSTED_ISSUERS object form); with AUTH_MODE=off, one of FHIR_SERVER_ALLOW when
// that is set. Comparison is on the normal form (scheme/host case, default port, trailing slash).

import { parseFhirBase } from '../fhir/base-url.js'
import { parseFhirServerAllow, parseTrustedIssuers } from './trusted-issuers.js'

export interface FhirServerPolicy {
  /** Why this caller may not name this fhirServer (for the 400 diagnostics; never echoes the URL), or undefined. */
  refusal: (fhirServer: string, iss: string | undefined) => string | undefined
  /** Start-up warnings (no allow-list with AUTH_MODE=off; plain-http servers listed). */
  warnings: string[]
}

interface PolicySettings { AUTH_MODE: string, TRUSTED_ISSUERS: string, FHIR_SERVER_ALLOW: string }

export function createFhirServerPolicy (settings: PolicySettings): FhirServerPolicy {
  const jwt = settings.AUTH_MODE === 'jwt'
  const byIssuer = new Map<string, ReadonlySet<string>>()
  if (jwt) {
    for (const [iss, entry] of parseTrustedIssuers(settings.TRUSTED_ISSUERS)) {
      byIssuer.set(iss, new Set(entry.fhirServers))
    }
  }
  const allow = jwt ? [] : parseFhirServerAllow(settings.FHIR_SERVER_ALLOW)
  const allowSet = new Set(allow)
  const listed = jwt ? [...byIssuer.values()].flatMap((s) => [...s]) : allow
  const warnings: string[] = []
  if (!jwt && allow.length === 0) {
    warnings.push('AUTH_MODE=off and FHIR_SERVER_ALLOW unset: a hook call may name any fhirServer ' +
      'and the service will send its access token there')
  }
  const insecure = [...new Set(listed.filter((k) => k.startsWith('http:')))]
  if (insecure.length > 0) {
    warnings.push(`${insecure.length} listed fhirServer base URL(s) use plain http: the FHIR access token crosses the network unencrypted`)
  }

  return {
    warnings,
    refusal (fhirServer, iss) {
      let key: string
      try {
        key = parseFhirBase(fhirServer).key
      } catch (err) {
        return `fhirServer ${(err as Error).message}`
      }
      if (jwt) {
        const servers = iss === undefined ? undefined : byIssuer.get(iss)
        if (servers === undefined || servers.size === 0) {
          return 'fhirServer is not accepted: no FHIR server is configured for this client\'s issuer'
        }
        return servers.has(key) ? undefined : 'fhirServer is not one of the FHIR servers configured for this client\'s issuer'
      }
      if (allowSet.size === 0 || allowSet.has(key)) return undefined
      return 'fhirServer is not one of the FHIR servers this service may call (FHIR_SERVER_ALLOW)'
    }
  }
}
