// The Rules tab: the rules in force (GET /rules) with a filter; opening one shows its JSON, cases,
// parameters, the editor with Validate and what-if (rules-detail.ts).

import { api } from '../api.js'
import { fill, h, message } from '../dom.js'
import { type RuleSummary, showRule } from '../rules-detail.js'
import '../rules.css'
import type { View } from '../view.js'

interface Catalog { rules: RuleSummary[] }

export const rulesView: View = {
  id: 'rules',
  title: 'Rules',
  async mount (root) {
    const catalog = await api<Catalog>('/rules')
    const filter = h('input', { id: 'rule-filter', type: 'search', autocomplete: 'off' })
    const list = h('ul', { class: 'rule-list' })
    const detail = h('div', { class: 'rule-detail' }, h('p', {}, 'Open a rule to see its JSON, cases and parameters.'))
    const render = (): void => {
      const q = filter.value.trim().toLowerCase()
      const rules = catalog.rules.filter((r) => q === '' || `${r.id} ${r.title} ${r.group} ${r.hooks.join(' ')}`.toLowerCase().includes(q))
      fill(list, ...rules.map((r) => {
        const b = h('button', { type: 'button', class: 'rule-open', 'data-rule': r.id },
          h('strong', {}, r.id), ` ${r.title}`, h('span', { class: 'muted' }, ` · ${r.group} · v${r.version} · ${r.hooks.join(', ')}`))
        b.addEventListener('click', () => {
          for (const o of list.querySelectorAll('button[aria-current]')) o.removeAttribute('aria-current')
          b.setAttribute('aria-current', 'true')
          showRule(detail, r).catch((e: unknown) => { fill(detail, message('error', e instanceof Error ? e.message : String(e))) })
        })
        return h('li', {}, b)
      }))
    }
    filter.addEventListener('input', render)
    render()
    fill(root, h('h2', {}, 'Rules'),
      h('div', { class: 'rules-layout' },
        h('nav', { 'aria-label': 'Rules in force' }, h('label', { for: 'rule-filter' }, 'Filter rules'), filter, list),
        detail))
  }
}
