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

/**
 * What a broken file leaves unknown (not missing): its mistake is reported once where it is, and
 * nothing that names what it defines is reported again. A file that did not load as a whole
 * (invalid JSON or a schema problem outside one entry) puts its name in `files`; a parameter,
 * fact, value set or rule whose own definition is broken puts its name in the matching set.
 */
export interface Unchecked {
  files: Set<string>
  parameters: Set<string>
  facts: Set<string>
  valueSets: Set<string>
  rules: Set<string>
}

export const noneUnchecked = (): Unchecked =>
  ({ files: new Set(), parameters: new Set(), facts: new Set(), valueSets: new Set(), rules: new Set() })

/** `line L, column C: message` for a JSON.parse error (Node reports a character position). */
export function jsonSyntaxMessage (text: string, err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err)
  const m = /at position (\d+)/.exec(raw)
  const reason = raw.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '')
  if (m === null) return `not valid JSON: ${reason}`
  const before = text.slice(0, Number(m[1]))
  const line = before.split('\n').length
  const column = Number(m[1]) - before.lastIndexOf('\n')
  return `not valid JSON at line ${line}, column ${column}: ${reason}`
}
