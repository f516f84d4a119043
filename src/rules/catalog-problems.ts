// A located problem in the clinical content: file, rule id and JSON pointer, so an author can
// go straight to it.

export interface CatalogProblem {
  file: string
  rule?: string
  pointer: string
  message: string
}

export class CatalogError extends Error {
  readonly problems: CatalogProblem[]
  constructor (problems: CatalogProblem[]) {
    super(`rule catalog is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
      problems.slice(0, 20).map(formatProblem).join('\n'))
    this.name = 'CatalogError'
    this.problems = problems
  }
}

export function formatProblem (p: CatalogProblem): string {
  return `${p.file}${p.rule === undefined ? '' : ` [${p.rule}]`} ${p.pointer}: ${p.message}`
}
