// The rule editor: CodeMirror 6 with JSON, line numbers, bracket matching, a lint gutter, live
// schema hints and completion from schemas/rule.schema.json, plus the problems the service's
// Validate reported (shown on their line until the text changes). Tab is not captured: it moves
// focus out of the editor, as everywhere else on the page (indent with the editor's own keys).

import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete'
import { json, jsonParseLinter } from '@codemirror/lang-json'
import { syntaxTree } from '@codemirror/language'
import { type Diagnostic, forceLinting, linter, lintGutter } from '@codemirror/lint'
import type { ViewUpdate } from '@codemirror/view'
import { EditorState, StateEffect, type Text } from '@codemirror/state'
import type { SyntaxNode } from '@lezer/common'
import { EditorView, basicSetup } from 'codemirror'
import ruleSchema from '../../schemas/rule.schema.json' with { type: 'json' }
import { type JsonSchema, type Path, enumValues, memberNames, schemaHints } from './editor-schema.js'
import { pointerToRange } from './json-pointer.js'

const SCHEMA = ruleSchema as JsonSchema
/** Dispatched when the service's problems arrive, so the linter runs again and shows them. */
const served = StateEffect.define<null>()
const relint = (u: ViewUpdate): boolean => u.transactions.some((tr) => tr.effects.some((e) => e.is(served)))

const THEME = EditorView.theme({
  '&': { border: '1px solid #4a5560', maxHeight: '60vh', fontSize: '14px', backgroundColor: '#fff', color: '#1b1f24' },
  '&.cm-focused': { outline: '3px solid #0b5cad' },
  '.cm-scroller': { overflow: 'auto' },
  '.cm-gutters': { backgroundColor: '#f4f6f8', color: '#4a5560' }
})

export interface Located { pointer: string, message: string, severity?: 'error' | 'warning' }

export interface JsonEditor {
  view: EditorView
  text: () => string
  destroy: () => void
  /** Shows the service's problems on their lines (until the next edit). */
  showProblems: (problems: readonly Located[]) => void
}

/** The path from the document root to the value `node` is in (property names and array indexes). */
function pathOf (node: SyntaxNode | null, doc: Text): Array<string | number> {
  const path: Array<string | number> = []
  for (let n = node; n !== null; n = n.parent) {
    const parent = n.parent
    if (n.name === 'Property') {
      const key = n.getChild('PropertyName')
      if (key !== null) path.unshift(JSON.parse(doc.sliceString(key.from, key.to)) as string)
    } else if (parent?.name === 'Array' && n.name !== '[' && n.name !== ']' && n.name !== ',') {
      let index = 0
      for (let c = n.prevSibling; c !== null; c = c.prevSibling) if (c.name === ',') index++
      path.unshift(index)
    }
  }
  return path
}

function complete (ctx: CompletionContext): CompletionResult | null {
  const node = syntaxTree(ctx.state).resolveInner(ctx.pos, -1)
  const doc = ctx.state.doc
  if (node.name === 'PropertyName' || (node.name === 'Object' || node.parent?.name === 'Object')) {
    const inName = node.name === 'PropertyName'
    const object = inName ? node.parent?.parent ?? null : node.name === 'Object' ? node : node.parent
    const path = pathOf(object, doc) as Path
    const names = memberNames(SCHEMA, path)
    if (names.length === 0) return null
    const from = inName ? node.from : ctx.matchBefore(/"?[\w$]*/)?.from ?? ctx.pos
    if (!inName && !ctx.explicit && from === ctx.pos) return null
    return {
      from,
      ...(inName ? { to: node.to } : {}),
      options: names.map((m) => ({ label: `"${m.name}"`, type: 'property', ...(m.description === undefined ? {} : { info: m.description }), apply: `"${m.name}"` })),
      validFor: /^"?[\w$]*"?$/
    }
  }
  if (node.name === 'String' && node.parent?.name === 'Property') {
    const values = enumValues(SCHEMA, pathOf(node.parent, doc))
    if (values.length === 0) return null
    return { from: node.from, to: node.to, options: values.map((v) => ({ label: JSON.stringify(v), type: 'enum' })) }
  }
  return null
}

export interface EditorOptions { label: string, readOnly?: boolean, onChange?: (text: string) => void }

export function createJsonEditor (parent: HTMLElement, doc: string, opts: EditorOptions): JsonEditor {
  let fromService: { doc: Text, problems: readonly Located[] } | undefined
  const parseLint = jsonParseLinter()
  const lint = (view: EditorView): Diagnostic[] => {
    const text = view.state.doc.toString()
    const syntax = parseLint(view)
    const out: Diagnostic[] = [...syntax]
    const toDiagnostic = (p: Located): Diagnostic | undefined => {
      const r = pointerToRange(text, p.pointer)
      if (r === undefined) return undefined
      return { from: r.from, to: r.exact ? r.to : Math.min(r.to, r.from + 1), severity: p.severity ?? 'error', message: p.message }
    }
    if (syntax.length === 0) {
      let value: unknown
      try { value = JSON.parse(text) } catch { value = undefined }
      for (const hint of schemaHints(SCHEMA, value)) {
        const d = toDiagnostic({ ...hint, severity: 'warning', message: `schema: ${hint.message}` })
        if (d !== undefined) out.push(d)
      }
    }
    if (fromService !== undefined && fromService.doc === view.state.doc) {
      for (const p of fromService.problems) { const d = toDiagnostic(p); if (d !== undefined) out.push(d) }
    }
    return out
  }
  // In a shadow root: CodeMirror's styles then go into an adopted style sheet, which the page's
  // CSP (style-src 'self', no inline <style>) allows; a <style> element would be blocked.
  const host = document.createElement('div')
  host.className = 'editor-host'
  parent.append(host)
  const shadow = host.attachShadow({ mode: 'open' })
  const view = new EditorView({
    parent: shadow,
    root: shadow,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        THEME,
        json(),
        EditorState.readOnly.of(opts.readOnly === true),
        EditorView.updateListener.of((u) => { if (u.docChanged) opts.onChange?.(u.state.doc.toString()) }),
        EditorView.editable.of(opts.readOnly !== true),
        EditorView.contentAttributes.of({ 'aria-label': opts.label }),
        ...(opts.readOnly === true
          ? []
          : [lintGutter(), linter(lint, { delay: 300, needsRefresh: relint }),
              autocompletion({ override: [complete] })])
      ]
    })
  })
  return {
    view,
    destroy () { view.destroy(); host.remove() },
    text: () => view.state.doc.toString(),
    showProblems (problems) {
      fromService = { doc: view.state.doc, problems }
      view.dispatch({ effects: served.of(null) })
      forceLinting(view)
    }
  }
}
