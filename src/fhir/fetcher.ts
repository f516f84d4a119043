// The port to the EHR's FHIR server: the prefetch fallback (src/cds/prefetch.ts) calls it, the FHIR
// client (src/fhir/fhir-client.ts) implements it, tests pass fakes.

/** The access token a CDS client grants for its FHIR server (CDS Hooks 2.0 `fhirAuthorization`). */
export interface FhirAuthorization {
  access_token: string
  token_type: string
  expires_in: number
  scope: string
  subject: string
  patient?: string
}

/** The seam to the EHR's FHIR server (implemented by the FHIR client; absent = no fallback). */
export interface FhirFetcher {
  /** Runs the queries (relative URLs) and next-page URLs; each key maps to a resource, Bundle, null or an Error. */
  fetch: (args: {
    fhirServer: string
    authorization: FhirAuthorization | undefined
    queries: Array<{ key: string, url: string }>
  }) => Promise<Map<string, unknown>>
}
