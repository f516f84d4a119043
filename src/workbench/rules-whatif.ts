// What-if results side by side: for each record, the cards of the catalog in force and the cards
// with the edited rule/parameters, a card only on one side highlighted (removed / added).

import { type ApiError, api } from './api.js'
import { h } from './dom.js'
import type { EvalSettings } from './eval-settings.js'
import { type CardLike, type RuleEdit, type WhatIfResult, cardDiff, cardKey, whatIfBody } from './rules-edit.js'
import type { LoadedRecord } from './state.js'

/** Records from picked files (each a Bundle or a captured hook request, as JSON). */
export async function readRecordFiles (files: FileList | null): Promise<LoadedRecord[]> {
  const read = async (f: File): Promise<LoadedRecord> => ({ name: f.name, input: JSON.parse(await f.text()) })
  return await Promise.all([...(files ?? [])].map(read))
}

/** Calls POST /rules/what-if with the records, the edit and the evaluation settings that are set. */
export async function runWhatIf (
  records: readonly LoadedRecord[], edit: RuleEdit | undefined, settings: EvalSettings = {}
): Promise<WhatIfResult> {
  return await api<WhatIfResult>('/rules/what-if', { method: 'POST', body: { ...whatIfBody(records, edit), ...settings } })
}

/** Located problems of a 422 (`rule#/pointer` or `parameters.NAME`) as pointer + message. */
export function whatIfProblems (e: ApiError): Array<{ where: string, message: string }> {
  return (e.outcome?.issue ?? []).map((i) => ({ where: i.expression?.[0] ?? '', message: i.diagnostics ?? i.code ?? 'invalid' }))
}

function cardItem (c: CardLike, mark: 'added' | 'removed' | undefined): HTMLElement {
  const x = c.extension?.['org.facet-pt-cds']
  const rule = `${x?.rule ?? '?'}${x?.variant === undefined ? '' : `/${x.variant}`}`
  return h('li', { class: `wi-card ind-${c.indicator ?? 'info'}${mark === undefined ? '' : ` wi-${mark}`}` },
    mark === undefined ? null : h('span', { class: 'wi-mark' }, mark === 'added' ? 'added: ' : 'removed: '),
    h('strong', {}, c.indicator ?? ''), ' ', h('code', {}, rule), ' ', c.summary ?? '')
}

function column (title: string, cards: CardLike[], others: string[], mark: 'added' | 'removed'): HTMLElement {
  const list = h('ul', { class: 'wi-cards' }, ...cards.map((c) => cardItem(c, others.includes(cardKey(c)) ? undefined : mark)))
  return h('div', { class: 'wi-col' }, h('h5', {}, title), cards.length === 0 ? h('p', {}, 'No card.') : list)
}

/** The side-by-side view of a what-if result. */
export function whatIfView (result: WhatIfResult): HTMLElement {
  const changed = result.records.filter((r) => r.changed).length
  return h('section', { class: 'whatif', 'aria-label': 'What-if result' },
    h('p', { role: 'status' }, `${changed} of ${result.records.length} record(s) change.`),
    ...result.records.map((r) => {
      const inForce = r.inForce.map(cardKey)
      const edited = r.edited.map(cardKey)
      const { gone, added } = cardDiff(r)
      return h('article', { class: `wi-record${r.changed ? ' wi-changed' : ''}` },
        h('h4', {}, r.name, r.changed ? ` — changed (${added.length} added, ${gone.length} removed)` : ' — unchanged'),
        r.error === undefined ? null : h('p', { class: 'msg msg-error' }, r.error),
        h('div', { class: 'wi-sides' },
          column('In force', r.inForce, edited, 'removed'),
          column('Edited', r.edited, inForce, 'added')))
    }))
}
