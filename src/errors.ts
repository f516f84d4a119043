// Domain errors with stable codes. The HTTP adapter maps each code to a status and a FHIR
// OperationOutcome; the domain never knows about HTTP.

export type DomainErrorCode =
  | 'invalid-request' // 400: the request is well-formed JSON but breaks the CDS Hooks contract
  | 'unknown-service' // 404
  | 'unknown-rule' // 404
  | 'prefetch-unobtainable' // 412: required data absent and no way to fetch it
  | 'invalid-bundle' // 400: /evaluate input
  | 'invalid-rules' // 400/422: a posted rule or catalog does not validate

export interface IssueLocation {
  /** FHIRPath-like location of the bad input, e.g. `context.draftOrders` or `prefetch.patient`. */
  expression: string
  /** Human-readable diagnostics for this location. */
  diagnostics: string
}

/** `['context', 'draftOrders', 'entry', 0]` → `context.draftOrders.entry[0]`. */
export function expressionOf (parts: ReadonlyArray<string | number>): string {
  return parts.reduce<string>((acc, p) => typeof p === 'number' || /^\d+$/.test(p) ? `${acc}[${p}]` : acc === '' ? p : `${acc}.${p}`, '')
}

export class DomainError extends Error {
  readonly code: DomainErrorCode
  readonly issues: IssueLocation[]

  constructor (code: DomainErrorCode, message: string, issues: IssueLocation[] = []) {
    super(message)
    this.name = 'DomainError'
    this.code = code
    this.issues = issues.length > 0 ? issues : [{ expression: '', diagnostics: message }]
  }
}
