// Shapes cards from fired rule variants: renders templates, adds uuids, the rule's source (its
// short label; the full citation stays in the rule file) and the `org.facet-pt-cds` extension
// (rule, version, why, evidence tag), omits empty members, and orders the cards
// deterministically (critical, warning, info, then rule id).

import type { RunResult, VariantOutcome } from '../rules/run-rules.js'
import { pick, renderJson, renderText, type Lookup } from '../rules/template.js'
import type { Indicator } from '../rules/types.js'
import { renderSuggestions } from './suggestions.js'
import type { Card, Link, NewId } from './types.js'
import { intentNote } from './intent-note.js'

export const RULE_TOPIC_SYSTEM = 'urn:facet-pt-cds:rule'
export const OVERRIDE_REASON_SYSTEM = 'urn:facet-pt-cds:override-reason'
const RANK: Record<Indicator, number> = { critical: 0, warning: 1, info: 2 }
const MAX_SUMMARY = 139

export function summaryText (text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length <= MAX_SUMMARY ? oneLine : `${oneLine.slice(0, MAX_SUMMARY - 1).trimEnd()}…`
}

function lookupFor (o: VariantOutcome, patientId: string): Lookup {
  return (root, path) => {
    if (root === 'param') return o.rule.params[path[0] ?? '']
    if (root === 'context') return path[0] === 'patientId' ? patientId : undefined
    return pick(o.value(root), path)
  }
}

export function buildCard (o: VariantOutcome, patientId: string, newId: NewId): Card {
  const lookup = lookupFor(o, patientId)
  const t = o.variant.card
  const rule = o.rule.rule
  const why = renderText(t.why, lookup)
  const intent = intentNote(o)
  const detail = [...intent.sentences, t.detail === undefined ? undefined : renderText(t.detail, lookup).trim(), `**Why this card:** ${why}`]
    .filter((s): s is string => s !== undefined && s !== '').join('\n\n')
  const card: Card = {
    uuid: newId(),
    summary: summaryText(renderText(t.summary, lookup)),
    detail,
    indicator: t.indicator,
    source: {
      label: rule.source.label,
      ...(rule.source.url === undefined ? {} : { url: rule.source.url }),
      topic: { system: RULE_TOPIC_SYSTEM, code: rule.id, display: rule.title }
    },
    extension: {
      'org.facet-pt-cds': {
        rule: rule.id,
        ...(o.variant.variantId === undefined ? {} : { variant: o.variant.variantId }),
        version: rule.version,
        why,
        ...(rule.source.evidence === undefined ? {} : { evidence: rule.source.evidence }),
        ...(intent.basis === undefined ? {} : { intentBasis: intent.basis })
      }
    }
  }
  const suggestions = renderSuggestions(t.suggestions, lookup, o.order, newId)
  if (suggestions.length > 0) {
    card.suggestions = suggestions
    card.selectionBehavior = t.selectionBehavior ?? 'at-most-one'
  }
  if (t.overrideReasons !== undefined && t.overrideReasons.length > 0) {
    card.overrideReasons = t.overrideReasons.map((r) => ({
      system: r.system ?? OVERRIDE_REASON_SYSTEM,
      code: r.code,
      display: r.display
    }))
  }
  if (t.links !== undefined && t.links.length > 0) card.links = t.links.map((l) => renderJson(l, lookup) as Link)
  return card
}

/** One info/warning card naming the checks that could not run for lack of data. */
export function dataUnavailableCard (outcomes: VariantOutcome[], newId: NewId): Card | undefined {
  const skipped = outcomes.filter((o) => o.outcome === 'data-unavailable')
  if (skipped.length === 0) return undefined
  const types = [...new Set(skipped.flatMap((o) => o.missingTypes ?? []))].sort()
  const rules = [...new Set(skipped.map((o) => o.rule.rule.id))].sort()
  const serious = skipped.some((o) => o.variant.card.indicator !== 'info')
  const why = `The EHR did not supply (or reported an error for) ${types.join(', ')} data, which ${rules.join(', ')} need${rules.length === 1 ? 's' : ''}.`
  return {
    uuid: newId(),
    summary: summaryText(`Some checks could not run: ${types.join(', ')} data unavailable from the EHR. Review manually.`),
    detail: `These checks were not evaluated, so their silence is not reassurance: ${rules.join(', ')}.\n\n**Why this card:** ${why}`,
    indicator: serious ? 'warning' : 'info',
    source: { label: 'facet-pt-cds data availability', topic: { system: RULE_TOPIC_SYSTEM, code: 'DATA-UNAVAILABLE', display: 'Data needed by some checks was unavailable' } },
    extension: { 'org.facet-pt-cds': { rule: 'DATA-UNAVAILABLE', version: '1.0.0', why } }
  }
}

export function cardsFor (run: RunResult, patientId: string, newId: NewId): Card[] {
  const fired = run.outcomes.filter((o) => o.outcome === 'fired')
    .sort((a, b) => RANK[a.variant.card.indicator] - RANK[b.variant.card.indicator] || a.key.localeCompare(b.key))
  const cards = fired.map((o) => buildCard(o, patientId, newId))
  const unavailable = dataUnavailableCard(run.outcomes, newId)
  if (unavailable !== undefined) cards.push(unavailable)
  return cards.sort((a, b) => RANK[a.indicator] - RANK[b.indicator])
}
