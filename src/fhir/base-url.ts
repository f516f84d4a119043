// FHIR server base URLs: one normal form for comparing a request's `fhirServer` with the
// configured ones, and the "under this base" test every URL the FHIR client fetches must pass.

/** A FHIR base URL parsed and checked: http(s), no credentials, query or fragment. */
export interface FhirBase {
  /** The URL with a trailing slash, for resolving relative queries against it. */
  url: URL
  /** Scheme and host lowercased, default port dropped, no trailing slash: what comparisons use. */
  key: string
}

/** Parses a base URL; throws an Error saying what is wrong (the URL itself is never echoed). */
export function parseFhirBase (text: string): FhirBase {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error('is not a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must be an http(s) URL')
  if (url.username !== '' || url.password !== '') throw new Error('must not hold credentials')
  if (url.search !== '' || url.hash !== '' || text.includes('?') || text.includes('#')) {
    throw new Error('must not have a query or fragment')
  }
  const path = url.pathname.replace(/\/+$/, '')
  url.pathname = `${path}/`
  return { url, key: `${url.protocol}//${url.host}${path}` }
}

/** The normal form of a base URL, or undefined when it is not a valid one. */
export function fhirBaseKey (text: string): string | undefined {
  try {
    return parseFhirBase(text).key
  } catch {
    return undefined
  }
}

/** Encoded separators and dots could climb out of the base on a server that decodes them. */
const ENCODED_ESCAPE = /%2f|%5c|%2e/i

/**
 * True when `target` is on the base's origin and path: the base itself (HAPI pages at
 * `<base>?_getpages=…`) or below it. No credentials in the URL, no encoded `/`, `\` or `.`.
 */
export function isUnderBase (target: URL, base: FhirBase): boolean {
  if (target.origin !== base.url.origin || target.username !== '' || target.password !== '') return false
  const prefix = base.url.pathname
  const path = target.pathname
  if (path !== prefix.slice(0, -1) && !path.startsWith(prefix)) return false
  return !ENCODED_ESCAPE.test(path.slice(prefix.length - 1))
}
