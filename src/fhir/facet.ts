// Facet procedures and orders as the rules read them (FHIR-DATA.md "Facet procedures"):
// code family → region and kind (from the facet-procedures value set), intent, sessions.

import { dayNumber, isoDate } from './dates.js'
import type { EvaluationRecord } from './record.js'
import { type Resource, clinicalDate, codingCodes } from './resource.js'
import type { ValueSet } from './valueset.js'

export const INTENT_SYSTEM = 'urn:facet-pt-cds:procedure-intent'

export type Region = 'cervical-thoracic' | 'lumbar-sacral'
export type SessionType = 'diagnostic' | 'therapeutic' | 'rfa'

export interface FacetLine {
  resource: Resource
  code: string
  region: Region
  kind: 'injection' | 'rfa'
  guidance: string
  level: number
  intent: 'diagnostic' | 'therapeutic'
  day: number
}

export interface FacetSession {
  /** Calendar day number of the session. */
  day: number
  date: string
  region: Region
  type: SessionType
  lines: FacetLine[]
  /** Distinct level lines (primary + add-on codes). */
  levels: number
  codes: string[]
}

function intentOf (r: Resource, kind: FacetLine['kind']): FacetLine['intent'] {
  if (kind === 'rfa') return 'therapeutic'
  for (const { system, code } of codingCodes(r.category)) {
    if (system === INTENT_SYSTEM && (code === 'diagnostic' || code === 'therapeutic')) return code
  }
  return 'therapeutic' // absent intent counts as therapeutic (as Medicare counts a line without KX)
}

/** A facet line for a Procedure or ServiceRequest, or undefined when it is not a facet code. */
export function facetLine (r: Resource, vs: ValueSet, fallbackDay: number): FacetLine | undefined {
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
    intent: intentOf(r, kind),
    day: dayNumber(clinicalDate(r)) ?? fallbackDay
  }
}

/** Groups lines into sessions: one region on one calendar date. */
export function sessionsOf (lines: readonly FacetLine[]): FacetSession[] {
  const groups = new Map<string, FacetLine[]>()
  for (const line of lines) {
    const key = `${line.day}|${line.region}`
    const g = groups.get(key)
    if (g === undefined) groups.set(key, [line]); else g.push(line)
  }
  const sessions: FacetSession[] = []
  for (const g of groups.values()) {
    const first = g[0] as FacetLine
    const type: SessionType = g.some((l) => l.kind === 'rfa')
      ? 'rfa'
      : g.some((l) => l.intent === 'diagnostic') ? 'diagnostic' : 'therapeutic'
    sessions.push({
      day: first.day,
      date: isoDate(first.day),
      region: first.region,
      type,
      lines: g,
      levels: g.length,
      codes: [...new Set(g.map((l) => l.code))].sort()
    })
  }
  return sessions.sort((a, b) => a.day - b.day || a.region.localeCompare(b.region))
}

/** Completed facet sessions of the patient's history (draft orders excluded), oldest first. */
export function completedSessions (record: EvaluationRecord, vs: ValueSet): FacetSession[] {
  return record.remember(`facet-sessions|${vs.id}`, () => {
    const lines: FacetLine[] = []
    for (const { resource } of record.coded('Procedure', vs)) {
      if (resource.status !== 'completed') continue
      const day = dayNumber(clinicalDate(resource))
      if (day === undefined) continue // an undated procedure cannot be placed in a session
      const line = facetLine(resource, vs, day)
      if (line !== undefined) lines.push(line)
    }
    return sessionsOf(lines)
  })
}

const ORDER_STATUSES = new Set(['draft', 'active'])

/** Sessions being ordered now: active facet ServiceRequests grouped by region and planned date. */
export function orderedSessions (record: EvaluationRecord, vs: ValueSet): FacetSession[] {
  return record.remember(`facet-orders|${vs.id}`, () => {
    const lines: FacetLine[] = []
    for (const r of record.activeOrders) {
      if (r.resourceType !== 'ServiceRequest' || !ORDER_STATUSES.has(String(r.status))) continue
      const line = facetLine(r, vs, record.time.day)
      if (line !== undefined) lines.push(line)
    }
    return sessionsOf(lines)
  })
}
