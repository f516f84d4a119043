// The workbench shell: tabs from VIEWS, #hash routing, and (AUTH_MODE=jwt) the admin token prompt.
// Served by the service itself at /workbench/ (src/http/routes/workbench.ts), built by esbuild.

import './base.css'
import { ApiError, api, hasAdminToken, setAdminToken } from './api.js'
import { fill, h, message } from './dom.js'
import type { View } from './view.js'
import { VIEWS } from './views/index.js'

interface Session { authMode: 'jwt' | 'off', adminTokenConfigured: boolean, catalog: string, rules: number }

const main = document.getElementById('main') as HTMLElement
const tabs = document.getElementById('tabs') as HTMLElement
const sessionBox = document.getElementById('session') as HTMLElement

function current (): View {
  const id = location.hash.replace(/^#\/?/, '').split('/')[0]
  return VIEWS.find((v) => v.id === id) ?? (VIEWS[0] as View)
}

async function show (): Promise<void> {
  const view = current()
  for (const a of tabs.querySelectorAll('a')) {
    if (a.dataset.view === view.id) a.setAttribute('aria-current', 'page')
    else a.removeAttribute('aria-current')
  }
  document.title = `${view.title} · facet-pt-cds workbench`
  try {
    await view.mount(main)
  } catch (e) {
    fill(main, h('h2', {}, view.title), message('error', e instanceof Error ? e.message : String(e)))
  }
}

function tokenForm (session: Session): HTMLElement {
  const input = h('input', { id: 'admin-token', type: 'password', autocomplete: 'off', required: true })
  const form = h('form', { class: 'token' },
    h('label', { for: 'admin-token' }, 'Admin token'), input, h('button', { type: 'submit' }, 'Use token'))
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    setAdminToken(input.value)
    renderSession(session)
    show().catch(reportError)
  })
  return form
}

function renderSession (session: Session): void {
  const catalog = `catalog ${session.catalog.slice(0, 12)} · ${session.rules} rules`
  if (session.authMode === 'off') { fill(sessionBox, catalog, ' · AUTH_MODE=off'); return }
  if (!session.adminTokenConfigured) {
    fill(sessionBox, catalog, message('error', 'AUTH_MODE=jwt and no ADMIN_TOKEN is configured: the tools are disabled'))
    return
  }
  fill(sessionBox, catalog, hasAdminToken() ? ' · admin token in use (this tab only)' : tokenForm(session))
}

async function start (): Promise<void> {
  for (const v of VIEWS) tabs.append(h('li', {}, h('a', { href: `#${v.id}`, 'data-view': v.id }, v.title)))
  window.addEventListener('hashchange', () => { show().catch(reportError) })
  try {
    renderSession(await api<Session>('/workbench/session'))
  } catch (e) {
    fill(sessionBox, message('error', e instanceof ApiError ? e.message : 'the service did not answer'))
  }
  await show()
}

start().catch(reportError)
