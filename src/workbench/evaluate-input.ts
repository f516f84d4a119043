// The Evaluate tab's input: JSON files (file input, several at once, or dropped on the drop zone) or pasted
// text, parsed into loaded records (memory only) — a FHIR Bundle or a captured CDS Hooks request each.
import { h } from './dom.js'
import type { LoadedRecord } from './state.js'

/** What kind of input a record holds, for its label. */
export function kindOf (input: unknown): string {
  const o = input as { resourceType?: unknown, hook?: unknown, context?: unknown } | null
  if (o !== null && typeof o === 'object') {
    if (o.resourceType === 'Bundle') return 'Bundle'
    if (typeof o.hook === 'string' && o.context !== undefined) return `${o.hook} request`
    if (typeof o.resourceType === 'string') return o.resourceType
  }
  return 'JSON'
}

/** Where in `text` a JSON.parse error points: V8 gives a position, or a snippet around the bad token. */
function offsetOf (msg: string, text: string): number | undefined {
  const at = /position (\d+)/.exec(msg)
  if (at?.[1] !== undefined) return Number(at[1])
  const token = /Unexpected token '(.)', (?:\.\.\.)?"(.*?)"(?:\.\.\.)? is not valid JSON/s.exec(msg)
  if (token?.[1] === undefined || token[2] === undefined) return undefined
  const snippet = text.indexOf(token[2])
  return snippet < 0 ? undefined : snippet + token[2].indexOf(token[1])
}

/** Parses JSON text, or says where it is broken (line and column). */
export function parseRecord (name: string, text: string): LoadedRecord {
  try {
    return { name, input: JSON.parse(text) as unknown }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e)
    const at = offsetOf(msg, text)
    if (at === undefined) throw new Error(`${name}: not JSON (${msg})`, { cause: e })
    const before = text.slice(0, at).split('\n')
    throw new Error(`${name}: not JSON at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1} (${msg})`, { cause: e })
  }
}

export async function readFiles (files: Iterable<File>): Promise<LoadedRecord[]> {
  const out: LoadedRecord[] = []
  for (const f of files) out.push(parseRecord(f.name, await f.text()))
  return out
}

export interface InputControls {
  element: HTMLElement
  /** Called with the records read from files or pasted, or with the error that stopped them. */
  onRecords: (fn: (records: LoadedRecord[]) => void, onError: (e: unknown) => void) => void
}

/** File input + drop zone + paste box. */
export function inputControls (): InputControls {
  const file = h('input', { id: 'eval-files', type: 'file', accept: '.json,application/json,application/fhir+json', multiple: true })
  const drop = h('div', { class: 'drop-zone', role: 'group', 'aria-label': 'Drop zone for JSON files' },
    h('label', { for: 'eval-files' }, 'Bundle or CDS Hooks request files (.json)'), file,
    h('p', { class: 'muted small' }, '…or drop JSON files here. Several files load as a set for the Impact tab.'))
  const paste = h('textarea', { id: 'eval-paste', rows: '6', spellcheck: 'false', placeholder: '{"resourceType": "Bundle", …}' })
  const usePaste = h('button', { type: 'button', class: 'secondary', id: 'eval-use-paste' }, 'Load pasted JSON')
  const element = h('div', { class: 'eval-input' }, drop,
    h('div', { class: 'paste' }, h('label', { for: 'eval-paste' }, 'Or paste a Bundle or hook request'), paste, usePaste))
  let handler: ((r: LoadedRecord[]) => void) | undefined
  let errorHandler: ((e: unknown) => void) | undefined
  const deliver = (p: Promise<LoadedRecord[]>): void => {
    p.then((r) => { if (r.length > 0) handler?.(r) }).catch((e: unknown) => errorHandler?.(e))
  }
  file.addEventListener('change', () => { deliver(readFiles(file.files ?? [])) })
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over') })
  drop.addEventListener('dragleave', () => { drop.classList.remove('over') })
  drop.addEventListener('drop', (e) => {
    e.preventDefault()
    drop.classList.remove('over')
    deliver(readFiles(e.dataTransfer?.files ?? []))
  })
  usePaste.addEventListener('click', () => { deliver(Promise.resolve().then(() => [parseRecord('pasted', paste.value)])) })
  return { element, onRecords: (fn, onError) => { handler = fn; errorHandler = onError } }
}
