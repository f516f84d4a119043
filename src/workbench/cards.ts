// A CDS Hooks card drawn as an EHR draws it: indicator bar and label, summary, detail (sanitised Markdown),
// source link, suggestions with what each action would do, override reasons, links — and the rule id badge.
import { h } from './dom.js'
import { markdownFragment } from './markdown.js'

export interface Coding { system?: string, code?: string, display?: string }
export interface CardAction {
  type: string
  description?: string
  resource?: { resourceType?: string }
  resourceId?: string
}
export interface Suggestion { label: string, uuid?: string, isRecommended?: boolean, actions?: CardAction[] }
export interface CardLink { label: string, url: string, type?: string }
export interface Card {
  uuid?: string
  summary: string
  detail?: string
  indicator: 'info' | 'warning' | 'critical'
  source: { label: string, url?: string, icon?: string, topic?: Coding }
  suggestions?: Suggestion[]
  selectionBehavior?: string
  overrideReasons?: Coding[]
  links?: CardLink[]
  extension?: { 'org.facet-pt-cds'?: { rule?: string, variant?: string, version?: string, evidence?: string } }
}

const INDICATOR_LABEL: Record<string, string> = { info: 'Info', warning: 'Warning', critical: 'Critical' }

/** `SAFE-01/a-high` style key of the rule variant that made the card. */
export function cardRuleKey (card: Card): string | undefined {
  const ext = card.extension?.['org.facet-pt-cds']
  if (ext?.rule === undefined) return undefined
  return ext.variant === undefined ? ext.rule : `${ext.rule}/${ext.variant}`
}

function actionLine (a: CardAction): HTMLElement {
  const type = a.resource?.resourceType ?? (a.resourceId === undefined ? 'resource' : a.resourceId)
  return h('li', {}, h('span', { class: `action action-${a.type}` }, a.type), ' ', h('code', {}, type),
    a.description === undefined ? null : ` — ${a.description}`)
}

function suggestionsOf (card: Card): HTMLElement | null {
  const suggestions = card.suggestions ?? []
  if (suggestions.length === 0) return null
  return h('div', { class: 'card-suggestions' },
    ...suggestions.map((s) => {
      const actions = s.actions ?? []
      return h('div', { class: 'suggestion' },
        h('button', { type: 'button', class: s.isRecommended === true ? 'recommended' : 'secondary' },
          s.label, s.isRecommended === true ? ' (recommended)' : ''),
        actions.length === 0
          ? h('p', { class: 'muted small' }, 'No FHIR change: the clinician acts on it.')
          : h('ul', { class: 'actions', 'aria-label': `What “${s.label}” would do` }, ...actions.map(actionLine)))
    }))
}

let overrideCounter = 0

function overrideOf (card: Card): HTMLElement | null {
  const reasons = card.overrideReasons ?? []
  if (reasons.length === 0) return null
  const id = `override-${++overrideCounter}`
  return h('div', { class: 'card-override' },
    h('label', { for: id }, 'Override reason'),
    h('select', { id },
      h('option', { value: '' }, '— choose a reason to dismiss —'),
      ...reasons.map((r) => h('option', { value: r.code ?? '' }, r.display ?? r.code ?? ''))))
}

function sourceOf (card: Card): HTMLElement {
  const s = card.source
  const icon = s.icon === undefined ? null : h('img', { src: s.icon, alt: '', class: 'source-icon', width: '16', height: '16' })
  const label = s.url === undefined
    ? h('span', {}, s.label)
    : h('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer' }, s.label)
  return h('p', { class: 'card-source' }, 'Source: ', icon, label)
}

export function renderCard (card: Card): HTMLElement {
  const key = cardRuleKey(card)
  const ext = card.extension?.['org.facet-pt-cds']
  const indicator = INDICATOR_LABEL[card.indicator] === undefined ? 'info' : card.indicator
  const links = card.links ?? []
  return h('article', { class: `cds-card cds-${indicator}`, 'aria-label': `${INDICATOR_LABEL[indicator]}: ${card.summary}` },
    h('div', { class: 'card-head' },
      h('span', { class: `indicator indicator-${indicator}` }, INDICATOR_LABEL[indicator]),
      key === undefined ? null : h('span', { class: 'badge rule-badge', title: 'Rule (variant) that made this card' }, key),
      ext?.version === undefined ? null : h('span', { class: 'badge muted' }, `v${ext.version}`),
      ext?.evidence === undefined ? null : h('span', { class: 'badge muted', title: 'Evidence level' }, `evidence ${ext.evidence}`)),
    h('h4', { class: 'card-summary' }, card.summary),
    card.detail === undefined ? null : h('div', { class: 'card-detail' }, markdownFragment(card.detail)),
    sourceOf(card),
    suggestionsOf(card),
    overrideOf(card),
    links.length === 0
      ? null
      : h('ul', { class: 'card-links', 'aria-label': 'Links' },
        ...links.map((l) => h('li', {}, h('a', { href: l.url, target: '_blank', rel: 'noopener noreferrer' }, l.label,
          l.type === 'smart' ? ' (SMART app)' : '')))))
}
