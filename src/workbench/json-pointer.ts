// JSON pointer (RFC 6901) → text range in the JSON source it points into, so a problem the service
// reports at `/conditions/all/0/operator` lands on its line in the editor. Pure (no DOM): unit
// tested under Node. A pointer that goes past what the text holds lands on the deepest node found.

export interface TextRange {
  from: number
  to: number
  /** False when the pointer went deeper than the text: the range is the deepest ancestor found. */
  exact: boolean
}

interface Node { from: number, to: number, members?: Map<string, Node>, items?: Node[] }

class Scanner {
  pos = 0
  constructor (readonly text: string) {}

  ws (): void { while (/\s/.test(this.text[this.pos] ?? '')) this.pos++ }

  fail (): never { throw new SyntaxError(`JSON syntax error at offset ${this.pos}`) }

  string (): string {
    const start = this.pos
    if (this.text[this.pos] !== '"') this.fail()
    this.pos++
    while (this.pos < this.text.length && this.text[this.pos] !== '"') this.pos += this.text[this.pos] === '\\' ? 2 : 1
    if (this.pos >= this.text.length) this.fail()
    this.pos++
    return JSON.parse(this.text.slice(start, this.pos)) as string
  }

  value (): Node {
    this.ws()
    const from = this.pos
    const c = this.text[this.pos]
    if (c === '{') return this.object(from)
    if (c === '[') return this.array(from)
    if (c === '"') { this.string(); return { from, to: this.pos } }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(this.pos, this.pos + 400))
    if (m === null) this.fail()
    this.pos += m[0].length
    return { from, to: this.pos }
  }

  object (from: number): Node {
    const members = new Map<string, Node>()
    this.pos++
    this.ws()
    if (this.text[this.pos] === '}') { this.pos++; return { from, to: this.pos, members } }
    for (;;) {
      this.ws()
      const key = this.string()
      this.ws()
      if (this.text[this.pos] !== ':') this.fail()
      this.pos++
      members.set(key, this.value())
      this.ws()
      const c = this.text[this.pos++]
      if (c === '}') return { from, to: this.pos, members }
      if (c !== ',') this.fail()
    }
  }

  array (from: number): Node {
    const items: Node[] = []
    this.pos++
    this.ws()
    if (this.text[this.pos] === ']') { this.pos++; return { from, to: this.pos, items } }
    for (;;) {
      items.push(this.value())
      this.ws()
      const c = this.text[this.pos++]
      if (c === ']') return { from, to: this.pos, items }
      if (c !== ',') this.fail()
    }
  }
}

/** The pointer's reference tokens, unescaped (`~1` → `/`, `~0` → `~`). */
export function pointerTokens (pointer: string): string[] {
  const p = pointer.startsWith('#') ? pointer.slice(1) : pointer
  if (p === '' || p === '/') return p === '/' ? [''] : []
  return p.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** Where `pointer` points in `text`; undefined when the text is not JSON. */
export function pointerToRange (text: string, pointer: string): TextRange | undefined {
  let node: Node
  try {
    const s = new Scanner(text)
    node = s.value()
  } catch { return undefined }
  for (const token of pointerTokens(pointer)) {
    const next = node.members?.get(token) ?? (/^\d+$/.test(token) ? node.items?.[Number(token)] : undefined)
    if (next === undefined) return { from: node.from, to: node.to, exact: false }
    node = next
  }
  return { from: node.from, to: node.to, exact: true }
}

/** 1-based line of `offset` in `text`. */
export function lineOf (text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++
  return line
}
