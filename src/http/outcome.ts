// FHIR OperationOutcome bodies for every non-2xx answer.

import type { IssueLocation } from '../errors.js'

export type IssueCode = 'invalid' | 'structure' | 'required' | 'not-found' | 'not-supported' | 'too-costly' | 'throttled' | 'security' | 'login' | 'exception' | 'incomplete' | 'timeout' | 'transient'

export interface OperationOutcome {
  resourceType: 'OperationOutcome'
  issue: Array<{ severity: 'error' | 'fatal' | 'warning', code: IssueCode, diagnostics: string, expression?: string[] }>
}

export function operationOutcome (code: IssueCode, issues: IssueLocation[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i) => ({
      severity: 'error',
      code,
      diagnostics: i.diagnostics,
      ...(i.expression === '' ? {} : { expression: [i.expression] })
    }))
  }
}
