// Intent of a facet line (FHIR-DATA.md "Facet procedures", Intent): explicit category → coded or
// text signal (a Procedure inherits its order's through basedOn) → inferred from the earlier
// sessions of the region on a matching side. RFA lines are always therapeutic.

import { type Side, sidesMatch } from './laterality.js'
import type { EvaluationRecord } from './record.js'
import { type Resource, codingCodes, obj, references, str } from './resource.js'
import { asArray } from './valueset.js'

export const INTENT_SYSTEM = 'urn:facet-pt-cds:procedure-intent'
const SNOMED = 'http://snomed.info/sct'
const SNOMED_INTENT: Readonly<Record<string, Intent>> = { 261004008: 'diagnostic', 262202000: 'therapeutic' }

export type Intent = 'diagnostic' | 'therapeutic'
export type IntentBasis = 'explicit' | 'signal' | 'inferred'
/** The spine region of a facet line (defined here, re-exported by facet.ts, so the two do not import each other). */
export type Region = 'cervical-thoracic' | 'lumbar-sacral'

export interface IntentCall {
  intent: Intent
  basis: IntentBasis
  /** Plain-language reason, shown on cards ("no earlier facet session …"). */
  reason: string
}

/** Parameters of intent inference, from the evidence profile in force. */
export interface IntentSettings {
  lookbackDays: number
  dxBlocksRequired: number
}

export function intentSettings (parameters: Readonly<Record<string, number | boolean>>): IntentSettings {
  const lookbackDays = parameters.INTENT_INFERENCE_LOOKBACK_DAYS
  const dxBlocksRequired = parameters.DX_BLOCKS_REQUIRED
  if (typeof lookbackDays !== 'number' || typeof dxBlocksRequired !== 'number') {
    throw new Error('parameters INTENT_INFERENCE_LOOKBACK_DAYS and DX_BLOCKS_REQUIRED are required to infer facet intent')
  }
  return { lookbackDays, dxBlocksRequired }
}

function explicitIntent (r: Resource): Intent | undefined {
  for (const { system, code } of codingCodes(r.category)) {
    if (system === INTENT_SYSTEM && (code === 'diagnostic' || code === 'therapeutic')) return code
  }
  return undefined
}

/** SNOMED intent codes and KX (diagnostic) in category / orderDetail; conflicting codes say nothing. */
function codedSignal (r: Resource): IntentCall | undefined {
  const found = new Map<Intent, string>()
  for (const { system, code } of codingCodes([...asArray(r.category), ...asArray(r.orderDetail)])) {
    if (code.toUpperCase() === 'KX') found.set('diagnostic', 'KX modifier')
    else if (system === SNOMED && SNOMED_INTENT[code] !== undefined) {
      found.set(SNOMED_INTENT[code] as Intent, `SNOMED ${code} ${SNOMED_INTENT[code] as string} intent`)
    }
  }
  if (found.size !== 1) return undefined
  const [intent, reason] = [...found][0] as [Intent, string]
  return { intent, basis: 'signal', reason }
}

const DX_WORD = /(^|[^a-z0-9])(diagnostic|prognostic)([^a-z0-9]|$)/
const THER_WORD = /(^|[^a-z0-9])therapeutic([^a-z0-9]|$)/

function texts (r: Resource): string[] {
  const out: string[] = []
  const code = obj(r.code)
  const t = str(code?.text)
  if (t !== undefined) out.push(t)
  for (const cc of [...asArray(code), ...asArray(r.category), ...asArray(r.orderDetail)]) {
    if (cc !== code) { const x = str(obj(cc)?.text); if (x !== undefined) out.push(x) }
    for (const c of asArray(obj(cc)?.coding as unknown[])) {
      const d = str(obj(c)?.display)
      if (d !== undefined) out.push(d)
    }
  }
  return out
}

/** Each text read on its own; a text with both kinds of word is ignored; the rest must agree. */
function textSignal (r: Resource): IntentCall | undefined {
  const said = new Map<Intent, string>()
  for (const text of texts(r)) {
    const t = text.toLowerCase()
    const dx = DX_WORD.test(t)
    const ther = THER_WORD.test(t)
    if (dx === ther) continue
    const intent: Intent = dx ? 'diagnostic' : 'therapeutic'
    const word = dx ? (DX_WORD.exec(t)?.[2] ?? 'diagnostic') : 'therapeutic'
    if (!said.has(intent)) said.set(intent, `the word "${word}" in "${text.slice(0, 60)}"`)
  }
  if (said.size !== 1) return undefined
  const [intent, reason] = [...said][0] as [Intent, string]
  return { intent, basis: 'signal', reason }
}

function ownStated (r: Resource): IntentCall | undefined {
  const explicit = explicitIntent(r)
  if (explicit !== undefined) return { intent: explicit, basis: 'explicit', reason: 'intent category recorded' }
  return codedSignal(r) ?? textSignal(r)
}

/** Explicit or signalled intent of a line; a Procedure without one takes its order's (basedOn). */
export function statedIntent (record: EvaluationRecord, r: Resource): IntentCall | undefined {
  const own = ownStated(r)
  if (own !== undefined || r.resourceType !== 'Procedure') return own
  for (const ref of references(r.basedOn)) {
    const order = record.resolve(ref)
    if (order?.resourceType !== 'ServiceRequest') continue
    const inherited = ownStated(order)
    if (inherited !== undefined) return { ...inherited, reason: `${inherited.reason} on its order` }
  }
  return undefined
}

const blocks = (n: number): string => `${n} earlier diagnostic block${n === 1 ? '' : 's'}`

/** What intent inference needs to know of an earlier session. */
export interface PriorSession { day: number, date: string, region: Region, side: Side, type: 'diagnostic' | 'therapeutic' | 'rfa' }

/**
 * Inferred intent of an IA/MBB session: diagnostic when the region has no completed session on a
 * matching side in the look-back before its day, or only diagnostic ones, fewer than required.
 */
export function inferIntent (target: { day: number, region: Region, side: Side }, earlier: readonly PriorSession[],
  settings: IntentSettings): IntentCall {
  const relevant = earlier.filter((s) => s.region === target.region && s.day < target.day &&
    target.day - s.day <= settings.lookbackDays && sidesMatch(s.side, target.side))
  const within = `in the ${settings.lookbackDays} days before it`
  if (relevant.length === 0) {
    return { intent: 'diagnostic', basis: 'inferred', reason: `no earlier facet session in this region on this side ${within}` }
  }
  const treated = relevant.filter((s) => s.type !== 'diagnostic').at(-1)
  if (treated !== undefined) {
    const kind = treated.type === 'rfa' ? 'RFA' : 'therapeutic'
    return { intent: 'therapeutic', basis: 'inferred', reason: `${kind} session on ${treated.date} ${within}` }
  }
  const n = relevant.length
  if (n < settings.dxBlocksRequired) {
    const reason = `${blocks(n)} ${within}, fewer than the ${settings.dxBlocksRequired} required`
    return { intent: 'diagnostic', basis: 'inferred', reason }
  }
  return { intent: 'therapeutic', basis: 'inferred', reason: `${blocks(n)} ${within}, series complete` }
}
