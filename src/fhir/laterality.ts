// Laterality of facet lines (FHIR-DATA.md "Facet procedures", Laterality): a bodySite coding
// (SNOMED left / right / bilateral), else a modifier 50 / LT / RT in orderDetail, else the words of
// bodySite; sides match when equal or when either is bilateral or unknown.

import type { EvaluationRecord } from './record.js'
import { type Resource, codingCodes, obj, references, str } from './resource.js'
import { asArray } from './valueset.js'

export type Side = 'left' | 'right' | 'bilateral' | 'unknown'

const SNOMED = 'http://snomed.info/sct'
const SITE_CODES: Readonly<Record<string, Side>> = { 7771000: 'left', 24028007: 'right', 51440002: 'bilateral' }
const MODIFIERS: Readonly<Record<string, Side>> = { 50: 'bilateral', LT: 'left', RT: 'right' }

/** Union of known sides: left + right (or any bilateral) = bilateral; none known = unknown. */
export function unionSide (sides: readonly Side[]): Side {
  const known = new Set(sides.filter((s) => s !== 'unknown'))
  if (known.has('bilateral') || (known.has('left') && known.has('right'))) return 'bilateral'
  if (known.has('left')) return 'left'
  if (known.has('right')) return 'right'
  return 'unknown'
}

/** Sides match when equal, or when either is bilateral or unknown. */
export function sidesMatch (a: Side, b: Side): boolean {
  return a === b || a === 'bilateral' || b === 'bilateral' || a === 'unknown' || b === 'unknown'
}

/** Whole-word side words of one text: left and right → bilateral; "bilateral" / "both sides". */
export function sideOfText (text: string): Side {
  const t = text.toLowerCase()
  if (/(^|[^a-z0-9])(bilateral|both sides)([^a-z0-9]|$)/.test(t)) return 'bilateral'
  const left = /(^|[^a-z0-9])left([^a-z0-9]|$)/.test(t)
  const right = /(^|[^a-z0-9])right([^a-z0-9]|$)/.test(t)
  return left && right ? 'bilateral' : left ? 'left' : right ? 'right' : 'unknown'
}

function siteTexts (bodySite: unknown): string[] {
  const out: string[] = []
  for (const cc of asArray(bodySite)) {
    const t = str(obj(cc)?.text)
    if (t !== undefined) out.push(t)
    for (const c of asArray(obj(cc)?.coding as unknown[])) {
      const d = str(obj(c)?.display)
      if (d !== undefined) out.push(d)
    }
  }
  return out
}

/** Side of one resource's own data (no basedOn): bodySite code, orderDetail modifier, bodySite words. */
export function ownSide (r: Resource): Side {
  const coded = codingCodes(r.bodySite).filter((c) => c.system === SNOMED).map((c) => SITE_CODES[c.code])
    .filter((s): s is Side => s !== undefined)
  if (coded.length > 0) return unionSide(coded)
  const modifiers = codingCodes(r.orderDetail)
    .map((c) => MODIFIERS[c.code.toUpperCase()])
    .filter((s): s is Side => s !== undefined)
  if (modifiers.length > 0) return unionSide(modifiers)
  return unionSide(siteTexts(r.bodySite).map(sideOfText))
}

/** A line's side: its own, else (Procedure) its order's through `basedOn`. */
export function lineSide (record: EvaluationRecord, r: Resource): Side {
  const own = ownSide(r)
  if (own !== 'unknown' || r.resourceType !== 'Procedure') return own
  const orders = references(r.basedOn).map((ref) => record.resolve(ref))
    .filter((o): o is Resource => o?.resourceType === 'ServiceRequest')
  return unionSide(orders.map(ownSide))
}

export const sideLabel = (s: Side): string => s === 'unknown' ? 'side not recorded' : s
