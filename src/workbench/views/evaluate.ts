// The Evaluate tab: load a Bundle or a captured hook request (files, drop, paste), pick hook, now and
// evidence profile, and see the cards as an EHR shows them, each beside why it fired; then every rule
// variant that did not fire and why not, and the parameters in force. Records stay in memory only.
import '../evaluate.css'
import { ApiError, api } from '../api.js'
import { type Card, cardRuleKey, renderCard } from '../cards.js'
import { fill, h, message } from '../dom.js'
import { type CatalogRule, type Explanation, notFiredList, parametersTable, whyFired } from '../evaluate-explain.js'
import { HOOKS } from '../eval-settings.js'
import { inputControls, kindOf } from '../evaluate-input.js'
import { loadedRecords, setLoadedRecords } from '../state.js'
import type { View } from '../view.js'

interface Session { profile: string, profiles: string[] }
interface EvaluateResponse { cards: Card[], explain?: Explanation }

let selected = 0

function labelled (id: string, label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control)
}

/** The OperationOutcome's issues, each located by its expression (e.g. Bundle.entry[3].resource). */
function outcomeAlert (e: unknown): HTMLElement {
  if (!(e instanceof ApiError) || e.outcome === undefined) return message('error', e instanceof Error ? e.message : String(e))
  return h('div', { class: 'msg msg-error', role: 'alert' },
    h('p', {}, `The service refused the input (${e.status}):`),
    h('ul', { class: 'issues' }, ...e.outcome.issue.map((i) => h('li', {},
      (i.expression ?? []).length === 0 ? null : h('code', { class: 'expression' }, (i.expression ?? []).join(', ')),
      (i.expression ?? []).length === 0 ? null : ' — ',
      i.diagnostics ?? i.code ?? 'invalid'))))
}

function renderResult (out: HTMLElement, res: EvaluateResponse, rules: readonly CatalogRule[], profile: string): void {
  const ex = res.explain
  const byKey = new Map((ex?.variants ?? []).map((v) => [v.key, v]))
  const fired = (ex?.variants ?? []).filter((v) => v.outcome === 'fired').length
  fill(out,
    ex === undefined
      ? null
      : h('p', { class: 'muted', role: 'status' },
        `${res.cards.length} card(s) · ${fired} variant(s) fired · hook ${ex.hook} · service ${ex.service} · profile ${ex.profile} · now ${ex.now}`),
    h('h3', {}, `Cards (${res.cards.length})`),
    res.cards.length === 0
      ? h('p', { class: 'muted' }, 'No card: the EHR would show nothing.')
      : h('div', { class: 'card-list' }, ...res.cards.map((c) => {
        const key = cardRuleKey(c) ?? '?'
        return h('div', { class: 'card-row', 'data-rule': key }, renderCard(c), whyFired(byKey.get(key), key))
      })),
    h('h3', {}, 'Rules that did not fire, and why not'),
    notFiredList(ex?.variants ?? []),
    h('h3', {}, 'Parameters in force'),
    parametersTable(rules, profile))
}

async function mount (root: HTMLElement): Promise<void> {
  const session = await api<Session>('/workbench/session')
  const input = inputControls()
  const recordSelect = h('select', { id: 'eval-record' })
  const hook = h('select', { id: 'eval-hook' }, h('option', { value: '' }, 'auto (from the input)'),
    ...HOOKS.map((k) => h('option', { value: k }, k)))
  const now = h('input', { id: 'eval-now', type: 'datetime-local', step: '1' })
  const profile = h('select', { id: 'eval-profile' }, ...session.profiles.map((p) =>
    h('option', { value: p, selected: p === session.profile }, p === session.profile ? `${p} (default)` : p)))
  const run = h('button', { type: 'submit', id: 'eval-run' }, 'Evaluate')
  const status = h('div', { class: 'eval-status', 'aria-live': 'polite' })
  const out = h('section', { class: 'eval-result', 'aria-label': 'Result' })

  const listRecords = (): void => {
    const records = loadedRecords()
    if (selected >= records.length) selected = 0
    fill(recordSelect, ...records.map((r, i) =>
      h('option', { value: String(i), selected: i === selected }, `${r.name} — ${kindOf(r.input)}`)))
    recordSelect.disabled = records.length === 0
    run.disabled = records.length === 0
    if (records.length === 0) fill(status, message('info', 'Load a Bundle or a CDS Hooks request to start.'))
    else fill(status, message('info', `${records.length} record(s) loaded (in this tab only).`))
  }
  recordSelect.addEventListener('change', () => { selected = Number(recordSelect.value) })
  input.onRecords((records) => {
    setLoadedRecords(records)
    selected = 0
    listRecords()
    fill(out)
  }, (e) => { fill(status, message('error', e instanceof Error ? e.message : String(e))) })

  const form = h('form', { class: 'eval-controls', 'aria-label': 'Evaluation settings' },
    labelled('eval-record', 'Record', recordSelect),
    labelled('eval-hook', 'Hook', hook),
    labelled('eval-now', 'Now (local time; empty: server clock)', now),
    labelled('eval-profile', 'Evidence profile', profile),
    run)
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const record = loadedRecords()[selected]
    if (record === undefined) return
    run.disabled = true
    fill(out, message('info', 'Evaluating…'))
    const query = {
      explain: 'true',
      hook: hook.value,
      now: now.value === '' ? undefined : new Date(now.value).toISOString(),
      profile: profile.value
    }
    Promise.all([
      api<EvaluateResponse>('/evaluate', { method: 'POST', body: record.input, query }),
      api<{ rules: CatalogRule[] }>('/rules', { query: { profile: profile.value } })
    ]).then(([res, catalog]) => { renderResult(out, res, catalog.rules, profile.value) })
      .catch((err: unknown) => { fill(out, outcomeAlert(err)) })
      .finally(() => { run.disabled = false })
  })

  fill(root, h('h2', {}, 'Evaluate'), input.element, form, status, out)
  listRecords()
}

export const evaluateView: View = { id: 'evaluate', title: 'Evaluate', mount }
