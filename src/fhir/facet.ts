// Facet procedures and orders as the rules read them (FHIR-DATA.md "Facet procedures"): code
// family → region and kind (from the facet-procedures value set), laterality, levels per side,
// intent (explicit, signalled or inferred), and sessions (one region on one calendar date).

import { dayNumber, isoDate } from './dates.js'
import {
  type Intent, type IntentBasis, type IntentCall, type IntentSettings, type Region, inferIntent, statedIntent
} from './facet-intent.js'
import { type Side, lineSide, unionSide } from './laterality.js'
import type { EvaluationRecord } from './record.js'
import { type Resource, clinicalDate, obj } from './resource.js'
import type { ValueSet } from './valueset.js'

export { INTENT_SYSTEM, intentSettings } from './facet-intent.js'
export type { Intent, IntentBasis, IntentSettings, Region } from './facet-intent.js'
export type { Side } from './laterality.js'

export type SessionType = 'diagnostic' | 'therapeutic' | 'rfa'

/** A facet line as read from its resource, before its session resolves intent and side. */
export interface RawLine {
  resource: Resource
  code: string
  region: Region
  kind: 'injection' | 'rfa'
  guidance: string
  level: number
  addOn: boolean
  /** `quantityQuantity.value` (default 1): units of third-level and RFA add-on lines. */
  units: number
  /** The line's own side (bodySite, modifier, words; a Procedure's else its order's). */
  side: Side
  /** Explicit or signalled intent of the line itself (RFA: always therapeutic). */
  stated: IntentCall | undefined
  day: number
}

export interface FacetLine extends RawLine {
  intent: Intent
  intentBasis: IntentBasis
  intentReason: string
}

export interface FacetSession {
  /** Calendar day number of the session. */
  day: number
  date: string
  region: Region
  type: SessionType
  lines: FacetLine[]
  /** Levels of the session: the larger side's count (bilateral at one level = one level). */
  levels: number
  levelsLeft: number
  levelsRight: number
  codes: string[]
  /** Union of the lines' known sides; unknown only when no line has a side. */
  side: Side
  intent: Intent
  intentBasis: IntentBasis
  intentReason: string
}

const RFA_INTENT: IntentCall = { intent: 'therapeutic', basis: 'explicit', reason: 'RFA is always therapeutic' }

function units (r: Resource): number {
  const v = obj(r.quantityQuantity)?.value
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 1
}

/** A facet line for a Procedure or ServiceRequest, or undefined when it is not a facet code. */
export function facetLine (
  record: EvaluationRecord,
  r: Resource,
  vs: ValueSet,
  fallbackDay: number
): RawLine | undefined {
  const match = vs.match(r.code)
  if (match === undefined) return undefined
  const p = match.properties
  const region = p.region === 'cervical-thoracic' || p.region === 'lumbar-sacral' ? p.region : undefined
  if (region === undefined) return undefined
  const kind = p.kind === 'rfa' ? 'rfa' : 'injection'
  return {
    resource: r,
    code: match.code,
    region,
    kind,
    guidance: typeof p.guidance === 'string' ? p.guidance : 'fluoroscopy-ct',
    level: typeof p.level === 'number' ? p.level : 1,
    addOn: p.addOn === true,
    units: units(r),
    side: lineSide(record, r),
    stated: kind === 'rfa' ? RFA_INTENT : statedIntent(record, r),
    day: dayNumber(clinicalDate(r)) ?? fallbackDay
  }
}

/** Levels on one side: 1 for a primary, +1 for a second-level add-on, + units of other add-ons. */
function sideLevels (lines: readonly RawLine[]): number {
  const primary = lines.some((l) => !l.addOn) ? 1 : 0
  const second = lines.some((l) => l.addOn && l.kind === 'injection' && l.level === 2) ? 1 : 0
  const more = lines.filter((l) => l.addOn && (l.kind === 'rfa' || l.level >= 3)).reduce((n, l) => n + l.units, 0)
  return primary + second + more
}

function levelsOf (lines: readonly RawLine[], sessionSide: Side): { left: number, right: number } {
  const on = (side: 'left' | 'right'): RawLine[] => lines.filter((l) => {
    const s = l.side === 'unknown' ? sessionSide : l.side
    return s === side || s === 'bilateral' || s === 'unknown'
  })
  return { left: sideLevels(on('left')), right: sideLevels(on('right')) }
}

/** Intent decided by the lines' own explicit/signalled intents: all agree, or disagree → therapeutic. */
function statedSessionIntent (lines: readonly RawLine[]): IntentCall | undefined {
  const stated = lines.map((l) => l.stated).filter((s): s is IntentCall => s !== undefined)
  if (stated.length === 0) return undefined
  const basis: IntentBasis = stated.every((s) => s.basis === 'explicit') ? 'explicit' : 'signal'
  if (new Set(stated.map((s) => s.intent)).size === 1) return { ...(stated[0] as IntentCall), basis }
  return { intent: 'therapeutic', basis, reason: 'the lines of this session disagree (counted as therapeutic)' }
}

function buildSession (
  group: readonly RawLine[],
  earlier: readonly FacetSession[],
  settings: IntentSettings
): FacetSession {
  const first = group[0] as RawLine
  const side = unionSide(group.map((l) => l.side))
  const isRfa = group.some((l) => l.kind === 'rfa')
  const call = isRfa
    ? RFA_INTENT
    : statedSessionIntent(group) ?? inferIntent({ day: first.day, region: first.region, side }, earlier, settings)
  const lines: FacetLine[] = group.map((l) => {
    const own = l.stated ?? call
    return { ...l, intent: own.intent, intentBasis: own.basis, intentReason: own.reason }
  })
  const { left, right } = levelsOf(group, side)
  return {
    day: first.day,
    date: isoDate(first.day),
    region: first.region,
    type: isRfa ? 'rfa' : call.intent,
    lines,
    levels: Math.max(left, right),
    levelsLeft: left,
    levelsRight: right,
    codes: [...new Set(group.map((l) => l.code))].sort(),
    side,
    intent: call.intent,
    intentBasis: call.basis,
    intentReason: call.reason
  }
}

/** Lines grouped by calendar day and region, oldest first. */
export function groupLines<T extends RawLine> (lines: readonly T[]): T[][] {
  const groups = new Map<string, T[]>()
  for (const line of lines) {
    const key = `${line.day}|${line.region}`
    const g = groups.get(key)
    if (g === undefined) groups.set(key, [line]); else g.push(line)
  }
  return [...groups.values()].sort((a, b) =>
    (a[0] as T).day - (b[0] as T).day || (a[0] as T).region.localeCompare((b[0] as T).region))
}

/** Completed facet lines of the patient's history (draft orders excluded); undated ones skipped. */
export function completedLines (record: EvaluationRecord, vs: ValueSet): RawLine[] {
  return record.remember(`facet-lines|${vs.id}`, () => {
    const lines: RawLine[] = []
    for (const { resource } of record.coded('Procedure', vs)) {
      if (resource.status !== 'completed') continue
      const day = dayNumber(clinicalDate(resource))
      if (day === undefined) continue // an undated procedure cannot be placed in a session
      const line = facetLine(record, resource, vs, day)
      if (line !== undefined) lines.push(line)
    }
    return lines
  })
}

/** Completed facet sessions, oldest first; each session's intent sees the sessions before it. */
export function completedSessions (record: EvaluationRecord, vs: ValueSet, settings: IntentSettings): FacetSession[] {
  return record.remember(`facet-sessions|${vs.id}|${settings.lookbackDays}|${settings.dxBlocksRequired}`, () => {
    const sessions: FacetSession[] = []
    for (const group of groupLines(completedLines(record, vs))) sessions.push(buildSession(group, sessions, settings))
    return sessions
  })
}

const ORDER_STATUSES = new Set(['draft', 'active'])

/** Sessions being ordered now: active facet ServiceRequests grouped by region and planned date. */
export function orderedSessions (record: EvaluationRecord, vs: ValueSet, settings: IntentSettings): FacetSession[] {
  return record.remember(`facet-orders|${vs.id}|${settings.lookbackDays}|${settings.dxBlocksRequired}`, () => {
    const lines: RawLine[] = []
    for (const r of record.activeOrders) {
      if (r.resourceType !== 'ServiceRequest' || !ORDER_STATUSES.has(String(r.status))) continue
      const line = facetLine(record, r, vs, record.time.day)
      if (line !== undefined) lines.push(line)
    }
    const history = completedSessions(record, vs, settings)
    return groupLines(lines).map((g) => buildSession(g, history, settings))
  })
}

/** The first inferred intent among sessions (for card text), or undefined when none was inferred. */
export function inferredIntentOf (
  sessions: ReadonlyArray<FacetSession | undefined>
): { intent: Intent, reason: string } | undefined {
  const s = sessions.find((x) => x?.intentBasis === 'inferred' && x.type !== 'rfa')
  return s === undefined ? undefined : { intent: s.intent, reason: s.intentReason }
}

/** The weakest intent basis among sessions (inferred < signal < explicit), or undefined for none. */
export function weakestBasis (sessions: ReadonlyArray<FacetSession | undefined>): IntentBasis | undefined {
  const bases = sessions.filter((s): s is FacetSession => s !== undefined).map((s) => s.intentBasis)
  return bases.includes('inferred') ? 'inferred' : bases.includes('signal') ? 'signal' : bases.length > 0 ? 'explicit' : undefined
}
