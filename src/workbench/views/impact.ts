// The Impact tab: several records (files picked here, or those loaded in Evaluate) evaluated with
// the catalog in force and with the Rules tab's current edit; card counts per rule/variant with
// deltas, and the records whose cards change.

import { ApiError } from '../api.js'
import { fill, h, message } from '../dom.js'
import { settingsControls } from '../eval-settings.js'
import { type WhatIfResult, cardDiff, currentEdit, hasChanges } from '../rules-edit.js'
import { readRecordFiles, runWhatIf } from '../rules-whatif.js'
import '../rules.css'
import { loadedRecords } from '../state.js'
import type { View } from '../view.js'

function editSummary (): string {
  const e = currentEdit()
  if (e === undefined || !hasChanges(e)) return 'No edit: open a rule in the Rules tab and edit it or a parameter value.'
  const params = Object.entries(e.parameters).map(([k, v]) => `${k} = ${String(v)}`)
  return `Edit of ${e.ruleId}: ${e.ruleText === undefined ? 'rule unchanged' : 'rule JSON edited'}${params.length > 0 ? `; ${params.join(', ')}` : ''}.`
}

function countsTable (result: WhatIfResult): HTMLElement {
  return h('table', { class: 'impact-counts' }, h('caption', {}, 'Cards per rule/variant'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Rule'), h('th', { scope: 'col' }, 'Variant'),
      h('th', { scope: 'col' }, 'In force'), h('th', { scope: 'col' }, 'Edited'), h('th', { scope: 'col' }, 'Delta'))),
    h('tbody', {}, ...result.counts.map((c) => {
      const d = c.edited - c.inForce
      return h('tr', {}, h('th', { scope: 'row' }, c.rule), h('td', {}, c.variant ?? ''), h('td', {}, String(c.inForce)),
        h('td', {}, String(c.edited)), h('td', { class: d > 0 ? 'delta-up' : d < 0 ? 'delta-down' : undefined }, d > 0 ? `+${d}` : String(d)))
    })))
}

function changedList (result: WhatIfResult): HTMLElement {
  const changed = result.records.filter((r) => r.changed || r.error !== undefined)
  if (changed.length === 0) return h('p', {}, `No record changes (${result.records.length} evaluated).`)
  return h('section', { 'aria-label': 'Records that change' }, h('h3', {}, `Records that change (${changed.length} of ${result.records.length})`),
    h('ul', { class: 'impact-records' }, ...changed.map((r) => {
      const { gone, added } = cardDiff(r)
      return h('li', {}, h('strong', {}, r.name), r.error === undefined ? null : ` — error: ${r.error}`,
        h('ul', {}, ...added.map((k) => h('li', { class: 'wi-added' }, `added: ${k}`)), ...gone.map((k) => h('li', { class: 'wi-removed' }, `removed: ${k}`))))
    })))
}

export const impactView: View = {
  id: 'impact',
  title: 'Impact',
  async mount (root) {
    const settings = await settingsControls('impact')
    const picker = h('input', { type: 'file', id: 'impact-files', multiple: true, accept: '.json,application/json' })
    const run = h('button', { type: 'button' }, 'Compare')
    const out = h('div', { 'aria-live': 'polite' })
    run.addEventListener('click', () => {
      (async () => {
        const picked = await readRecordFiles(picker.files)
        const records = picked.length > 0 ? picked : loadedRecords()
        if (records.length === 0) { fill(out, message('error', 'Pick bundle files here, or load records in Evaluate.')); return }
        fill(out, message('info', `Evaluating ${records.length} record(s)…`))
        const result = await runWhatIf(records, currentEdit(), settings.values())
        fill(out, countsTable(result), changedList(result))
      })().catch((e: unknown) => { fill(out, message('error', e instanceof ApiError || e instanceof Error ? e.message : String(e))) })
    })
    fill(root, h('h2', {}, 'Impact'),
      h('p', {}, editSummary()),
      h('p', {}, `Records loaded in Evaluate: ${loadedRecords().length}. Files picked here take their place.`),
      settings.element,
      h('div', { class: 'toolbar' }, h('label', { for: 'impact-files' }, 'Bundles or hook requests'), picker, run),
      out)
  }
}
