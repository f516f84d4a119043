// One rule in the Rules tab: its JSON (read-only, then Edit), cases and their last result, the
// parameters it uses (editable values), Validate (+ run cases), and what-if against the records
// loaded in Evaluate or picked here, side by side with the catalog in force.

import { ApiError, api } from './api.js'
import { fill, h, message } from './dom.js'
import { type JsonEditor, type Located, createJsonEditor } from './editor.js'
import { lineOf, pointerToRange } from './json-pointer.js'
import { type ParamValue, currentEdit, setEdit } from './rules-edit.js'
import { settingsControls } from './eval-settings.js'
import { readRecordFiles, runWhatIf, whatIfProblems, whatIfView } from './rules-whatif.js'
import { loadedRecords } from './state.js'

export interface RuleSummary {
  id: string
  version: string
  title: string
  group: string
  hooks: string[]
  enabled: boolean
  file: string
  cases: number
  variants: string[]
  parameters: Record<string, { value: ParamValue, unit: string, title?: string, default: ParamValue }>
}

interface CaseResult { name: string, passed: boolean, message?: string }
interface RuleSource {
  id: string
  file: string
  rule: unknown
  cases: { cases?: Array<{ name: string }> } | null
  results?: CaseResult[]
}
interface Problem { severity?: string, file?: string, rule?: string, pointer?: string, message: string }
interface ValidationReport {
  valid: boolean
  problems: Problem[]
  cases: { passed?: number, failed?: number, skipped?: number }
  results?: CaseResult[]
}

function caseList (names: string[], results: CaseResult[] | undefined): HTMLElement {
  const byName = new Map((results ?? []).map((r) => [r.name, r]))
  return h('ul', { class: 'cases' }, ...names.map((n) => {
    const r = byName.get(n)
    const status = r === undefined ? 'not run' : r.passed ? 'pass' : 'fail'
    return h('li', { class: `case case-${status.replace(' ', '-')}` }, h('span', { class: 'case-status' }, status), ' ', n,
      r?.message === undefined ? null : h('div', { class: 'case-msg' }, r.message))
  }))
}

type OnParam = (name: string, v: ParamValue | undefined) => void

/** The rule's parameters: value in force (or as edited), unit, default; editing one feeds what-if. */
function paramTable (summary: RuleSummary, edited: Record<string, ParamValue>, onChange: OnParam): HTMLElement {
  const rows = Object.entries(summary.parameters).map(([name, p]) => {
    const id = `param-${name}`
    const shown = edited[name] ?? p.value
    const input = typeof p.value === 'boolean'
      ? h('input', { id, type: 'checkbox', checked: shown === true })
      : h('input', { id, type: 'number', step: 'any', value: String(shown), class: 'param-value' })
    input.addEventListener('change', () => {
      const v: ParamValue = input.type === 'checkbox' ? input.checked : Number(input.value)
      onChange(name, v === p.value || (typeof v === 'number' && Number.isNaN(v)) ? undefined : v)
    })
    return h('tr', {}, h('th', { scope: 'row' }, h('label', { for: id }, name)), h('td', {}, input),
      h('td', {}, p.unit), h('td', {}, String(p.default)), h('td', {}, p.title ?? ''))
  })
  return h('table', { class: 'params' }, h('caption', {}, 'Parameters this rule uses (edit a value for what-if)'),
    h('thead', {}, h('tr', {}, h('th', {}, 'Parameter'), h('th', {}, 'Value'), h('th', {}, 'Unit'), h('th', {}, 'Default'), h('th', {}, 'Meaning'))),
    h('tbody', {}, ...rows))
}

export async function showRule (root: HTMLElement, summary: RuleSummary): Promise<void> {
  const status = h('div', { class: 'rule-status' })
  fill(root, h('h3', {}, `${summary.id} · ${summary.title}`), h('p', { class: 'muted' },
    `${summary.group} · v${summary.version} · ${summary.hooks.join(', ')} · ${summary.file}`), status)
  let source: RuleSource | undefined
  try {
    source = await api<RuleSource>(`/rules/${encodeURIComponent(summary.id)}`)
  } catch (e) {
    status.append(message('error', `The rule's JSON could not be read (${e instanceof Error ? e.message : String(e)}): paste it in the editor.`))
  }
  const original = source === undefined ? '' : `${JSON.stringify(source.rule, null, 2)}\n`
  const prior = currentEdit()
  const edit = prior?.ruleId === summary.id ? prior : { ruleId: summary.id, parameters: {} }
  setEdit(edit)

  const editorBox = h('div', { class: 'editor', id: 'rule-editor' })
  const problemsBox = h('div', { class: 'problems', 'aria-live': 'polite' })
  const casesBox = h('div', {}, caseList((source?.cases?.cases ?? []).map((c) => c.name), source?.results))
  const whatIfBox = h('div', { 'aria-live': 'polite' })
  let editor: JsonEditor = createJsonEditor(editorBox, edit.ruleText ?? original, { label: `Rule ${summary.id} JSON (read-only)`, readOnly: true })
  const editButton = h('button', { type: 'button', class: 'secondary' }, 'Edit rule')
  editButton.addEventListener('click', () => {
    const text = editor.text()
    editor.destroy()
    editor = createJsonEditor(editorBox, text, { label: `Rule ${summary.id} JSON`, onChange: track })
    editButton.disabled = true
    editor.view.focus()
  })
  const track = (text: string): void => {
    setEdit({ ...edit, ruleText: text === original ? undefined : text, parameters: currentEdit()?.parameters ?? {} })
  }
  const validate = h('button', { type: 'button' }, 'Validate and run cases')
  validate.addEventListener('click', () => { runValidate().catch((e: unknown) => { fill(problemsBox, message('error', String(e))) }) })
  const runValidate = async (): Promise<void> => {
    const text = editor.text()
    let rule: unknown
    try { rule = JSON.parse(text) } catch (e) { fill(problemsBox, message('error', `Not JSON: ${String(e)}`)); return }
    fill(problemsBox, message('info', 'Validating…'))
    const report = await api<ValidationReport>('/rules/validate', { method: 'POST', body: source?.cases == null ? { rule } : { rule, cases: source.cases } })
    const inRule = report.problems.filter((p) => !(p.file ?? '').endsWith('.cases.json'))
    editor.showProblems(inRule.map((p): Located => ({ pointer: p.pointer ?? '', message: p.message, severity: p.severity === 'warning' ? 'warning' : 'error' })))
    const c = report.cases
    fill(problemsBox,
      message(report.valid ? 'info' : 'error', report.valid ? `Valid. Cases: ${c.passed ?? 0} passed, ${c.failed ?? 0} failed, ${c.skipped ?? 0} skipped.` : `${report.problems.length} problem(s).`),
      h('ul', { class: 'problem-list' }, ...report.problems.map((p) => {
        const r = inRule.includes(p) ? pointerToRange(text, p.pointer ?? '') : undefined
        return h('li', {}, r === undefined ? '' : `line ${lineOf(text, r.from)}: `, p.message, ' ', h('code', {}, `${p.file ?? ''}#${p.pointer ?? ''}`))
      })))
    if (report.results !== undefined) fill(casesBox, caseList(report.results.map((r) => r.name), report.results))
  }

  const picker = h('input', { type: 'file', id: 'whatif-files', multiple: true, accept: '.json,application/json' })
  const settings = await settingsControls('whatif')
  const whatIf = h('button', { type: 'button' }, 'What-if')
  whatIf.addEventListener('click', () => {
    (async () => {
      const picked = await readRecordFiles(picker.files)
      const records = picked.length > 0 ? picked : loadedRecords()
      if (records.length === 0) { fill(whatIfBox, message('error', 'Load a record in Evaluate, or pick files here.')); return }
      fill(whatIfBox, message('info', 'Evaluating…'))
      try {
        fill(whatIfBox, whatIfView(await runWhatIf(records, currentEdit(), settings.values())))
      } catch (e) {
        if (!(e instanceof ApiError)) throw e
        fill(whatIfBox, message('error', e.message), h('ul', {}, ...whatIfProblems(e).map((p) => h('li', {}, h('code', {}, p.where), ' ', p.message))))
      }
    })().catch((e: unknown) => { fill(whatIfBox, message('error', e instanceof Error ? e.message : String(e))) })
  })

  root.append(
    paramTable(summary, edit.parameters, (name, v) => {
      const parameters = { ...(currentEdit()?.parameters ?? {}) }
      if (v === undefined) delete parameters[name]
      else parameters[name] = v
      setEdit({ ...(currentEdit() ?? edit), parameters })
    }),
    h('div', { class: 'rule-grid' },
      h('section', { 'aria-label': 'Rule JSON' }, h('div', { class: 'toolbar' }, editButton, validate), editorBox, problemsBox),
      h('section', { 'aria-label': 'Cases' }, h('h4', {}, `Cases (${summary.cases})`), casesBox)),
    h('section', { 'aria-label': 'What-if' }, h('h4', {}, 'What-if'),
      h('p', {}, 'Evaluates the records loaded in Evaluate (or the files picked here) with the edited rule and parameter values, beside the catalog in force.'),
      settings.element,
      h('div', { class: 'toolbar' }, h('label', { for: 'whatif-files' }, 'Records for what-if'), picker, whatIf), whatIfBox))
}
