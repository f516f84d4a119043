// The Rules tab's current edit, in memory only: which rule is open, its edited JSON text (when
// changed) and edited parameter values. The Impact tab reads it to compare against the catalog in
// force; the what-if request body is built here once for both tabs.

import type { LoadedRecord } from './state.js'

export type ParamValue = number | boolean

export interface RuleEdit {
  ruleId: string
  /** The edited rule's JSON text, when it differs from the rule in force. */
  ruleText?: string
  /** Edited parameter values (only those that differ from the values in force). */
  parameters: Record<string, ParamValue>
}

let edit: RuleEdit | undefined
const listeners = new Set<() => void>()

export function currentEdit (): RuleEdit | undefined { return edit }

export function setEdit (next: RuleEdit | undefined): void {
  edit = next
  for (const l of listeners) l()
}

export function onEditChange (fn: () => void): () => void {
  listeners.add(fn)
  return () => { listeners.delete(fn) }
}

export function hasChanges (e: RuleEdit | undefined): boolean {
  return e !== undefined && (e.ruleText !== undefined || Object.keys(e.parameters).length > 0)
}

export interface WhatIfBody {
  records: Array<{ name: string, input: unknown }>
  rule?: unknown
  parameters?: Record<string, ParamValue>
}

/** The POST /rules/what-if body for `records` with the edit; throws SyntaxError when the rule is not JSON. */
export function whatIfBody (records: readonly LoadedRecord[], e: RuleEdit | undefined): WhatIfBody {
  const body: WhatIfBody = { records: records.map((r) => ({ name: r.name, input: r.input })) }
  if (e?.ruleText !== undefined) body.rule = JSON.parse(e.ruleText)
  if (e !== undefined && Object.keys(e.parameters).length > 0) body.parameters = { ...e.parameters }
  return body
}

export interface CardLike {
  summary?: string
  indicator?: string
  extension?: { 'org.facet-pt-cds'?: { rule?: string, variant?: string } }
}

export interface WhatIfRecord {
  name: string
  inForce: CardLike[]
  edited: CardLike[]
  changed: boolean
  error?: string
}
export interface WhatIfCount { rule: string, variant?: string, inForce: number, edited: number }
export interface WhatIfResult { catalog?: string, records: WhatIfRecord[], counts: WhatIfCount[] }

/** A card's identity for comparing the two sides: rule, variant, indicator and summary. */
export function cardKey (c: CardLike): string {
  const x = c.extension?.['org.facet-pt-cds']
  return `${x?.rule ?? '?'}${x?.variant === undefined ? '' : `/${x.variant}`} · ${c.indicator ?? ''} · ${c.summary ?? ''}`
}

/** Cards only on one side, by key (what changed in a record). */
export function cardDiff (r: WhatIfRecord): { gone: string[], added: string[] } {
  const a = r.inForce.map(cardKey)
  const b = r.edited.map(cardKey)
  return { gone: a.filter((k) => !b.includes(k)), added: b.filter((k) => !a.includes(k)) }
}
