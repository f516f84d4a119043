// Renders a card's suggestion templates. An action template with `forEach: "draftFacetOrder"`
// expands to one action per draft facet ServiceRequest of the order session the card fired for
// (e.g. SAFE-02's "Cancel this facet order": one `delete` per order line, `resourceId`
// "ServiceRequest/<id>"); it names the order with {{draftOrder.reference|id|code|name}}. With no
// such order (patient-view, an order without an id) it expands to nothing, and a suggestion whose
// actions all expand to nothing is left out: a "cancel" button that cancels nothing is worse than
// none.

import type { FacetSession } from '../fhir/facet.js'
import { obj, refKey, str } from '../fhir/resource.js'
import { DRAFT_ORDER_ROOT, pick, renderJson, renderText, type Lookup } from '../rules/template.js'
import type { ActionTemplate, SuggestionTemplate } from '../rules/types.js'
import type { Action, NewId, Suggestion } from './types.js'

/** The members of DRAFT_ORDER_FIELDS. */
export interface DraftOrderItem { reference: string, id: string, code: string, name: string }

function nameOf (code: unknown, fallback: string): string {
  const concept = obj(code)
  const text = str(concept?.text)
  if (text !== undefined) return text
  const codings = Array.isArray(concept?.coding) ? concept.coding as unknown[] : []
  for (const c of codings) {
    const display = str(obj(c)?.display)
    if (display !== undefined) return display
  }
  return `CPT ${fallback}`
}

/** The draft facet ServiceRequests of an order session that can be named (they have an id). */
export function draftFacetOrders (session: FacetSession | undefined): DraftOrderItem[] {
  const out = new Map<string, DraftOrderItem>()
  for (const line of session?.lines ?? []) {
    const r = line.resource
    const reference = refKey(r)
    if (r.resourceType !== 'ServiceRequest' || reference === undefined || out.has(reference)) continue
    out.set(reference, { reference, id: String(r.id), code: line.code, name: nameOf(r.code, line.code) })
  }
  return [...out.values()]
}

function renderActions (templates: readonly ActionTemplate[], lookup: Lookup,
  orders: readonly DraftOrderItem[]): Action[] {
  return templates.flatMap((a) => {
    const { forEach, ...template } = a
    if (forEach === undefined) return [renderJson(template, lookup) as Action]
    return orders.map((item) => {
      const itemLookup: Lookup = (root, path) => root === DRAFT_ORDER_ROOT ? pick(item, path) : lookup(root, path)
      return renderJson(template, itemLookup) as Action
    })
  })
}

/** The rendered suggestions (uuids from newId); an empty list when none is left. */
export function renderSuggestions (templates: readonly SuggestionTemplate[] | undefined, lookup: Lookup,
  session: FacetSession | undefined, newId: NewId): Suggestion[] {
  const orders = draftFacetOrders(session)
  const out: Suggestion[] = []
  for (const s of templates ?? []) {
    const actions = s.actions === undefined ? [] : renderActions(s.actions, lookup, orders)
    if (s.actions !== undefined && s.actions.length > 0 && actions.length === 0) continue
    out.push({
      label: renderText(s.label, lookup),
      uuid: newId(),
      ...(s.isRecommended === undefined ? {} : { isRecommended: s.isRecommended }),
      ...(actions.length === 0 ? {} : { actions })
    })
  }
  return out
}
