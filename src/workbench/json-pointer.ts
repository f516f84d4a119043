// JSON pointer (RFC 6901) → text range in the JSON source it points into, so a problem the service
// reports at `/conditions/all/0/operator` lands on its line in the editor. Pure (no DOM): unit
// tested under Node. Parsing and node lookup are Microsoft's jsonc-parser (strict JSON: no
// comments, no trailing commas). A pointer that goes past what the text holds lands on the deepest node found.
import { findNodeAtLocation, parseTree, type Node, type ParseError, type Segment } from 'jsonc-parser'

export interface TextRange {
  from: number
  to: number
  /** False when the pointer went deeper than the text: the range is the deepest ancestor found. */
  exact: boolean
}

/** The pointer's reference tokens, unescaped (`~1` → `/`, `~0` → `~`). */
export function pointerTokens (pointer: string): string[] {
  const p = pointer.startsWith('#') ? pointer.slice(1) : pointer
  if (p === '' || p === '/') return p === '/' ? [''] : []
  return p.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** A token as a jsonc-parser path segment: an index into an array, else a member name. */
function segment (parent: Node, token: string): Segment {
  return parent.type === 'array' && /^\d+$/.test(token) ? Number(token) : token
}

/** Where `pointer` points in `text`; undefined when the text is not JSON. */
export function pointerToRange (text: string, pointer: string): TextRange | undefined {
  const errors: ParseError[] = []
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false })
  if (root === undefined || errors.length > 0) return undefined
  let node = root
  for (const token of pointerTokens(pointer)) {
    const next = findNodeAtLocation(node, [segment(node, token)])
    if (next === undefined) return { from: node.offset, to: node.offset + node.length, exact: false }
    node = next
  }
  return { from: node.offset, to: node.offset + node.length, exact: true }
}

/** 1-based line of `offset` in `text`. */
export function lineOf (text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}
