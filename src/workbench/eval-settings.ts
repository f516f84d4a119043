// The evaluation settings a what-if or impact run sends (hook, now, evidence profile), the same
// choices as the Evaluate tab, so both sides are evaluated as the user set them, not with server defaults.

import { api } from './api.js'
import { h } from './dom.js'
import './evaluate.css'

export const HOOKS = ['order-select', 'order-sign', 'patient-view']

export interface EvalSettings { hook?: string, now?: string, profile?: string }

interface Session { profile: string, profiles: string[] }

function field (id: string, label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control)
}

/** Labelled hook / now / profile controls, ids prefixed with `prefix`; `values()` holds those set. */
export async function settingsControls (prefix: string): Promise<{ element: HTMLElement, values: () => EvalSettings }> {
  const session = await api<Session>('/workbench/session')
  const hook = h('select', { id: `${prefix}-hook` }, h('option', { value: '' }, 'auto (from the input)'),
    ...HOOKS.map((k) => h('option', { value: k }, k)))
  const now = h('input', { id: `${prefix}-now`, type: 'datetime-local', step: '1' })
  const profile = h('select', { id: `${prefix}-profile` }, ...session.profiles.map((p) =>
    h('option', { value: p, selected: p === session.profile }, p === session.profile ? `${p} (default)` : p)))
  const element = h('div', { class: 'eval-controls', role: 'group', 'aria-label': 'Evaluation settings' },
    field(`${prefix}-hook`, 'Hook', hook),
    field(`${prefix}-now`, 'Now (local time; empty: server clock)', now),
    field(`${prefix}-profile`, 'Evidence profile', profile))
  const values = (): EvalSettings => ({
    ...(hook.value === '' ? {} : { hook: hook.value }),
    ...(now.value === '' ? {} : { now: new Date(now.value).toISOString() }),
    ...(profile.value === '' ? {} : { profile: profile.value })
  })
  return { element, values }
}
