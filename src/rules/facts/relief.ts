// Relief after a facet session (FHIR-DATA.md "Relief after a block"): pain scores whose `partOf`
// points at a line of the session give pre (last at/before) and post (first after); relief
// duration runs to the first later pain score (linked or not) below a relief threshold; which
// linked readings are post-procedure (block effect) for facts that must not read them as pain.

import { instantMs, isoDate } from '../../fhir/dates.js'
import { type FacetSession, completedSessions } from '../../fhir/facet.js'
import { round } from '../../fhir/quantity.js'
import type { EvaluationRecord } from '../../fhir/record.js'
import { type Resource, clinicalDate, normaliseReference, obj, refKey, str } from '../../fhir/resource.js'
import type { ValueSet } from '../../fhir/valueset.js'
import { asArray } from '../../fhir/valueset.js'
import { type Reading, readings } from './clinical.js'

export interface SessionRelief {
  documented: boolean
  /** Relief % (unrounded), when documented. */
  pct?: number
  pre?: number
  post?: number
  postDay?: number
  /** Time of the session: earliest performed instant of its lines. */
  ms: number
}

export interface ReliefDuration {
  /** Days from the session to the first reading below the threshold, or to `untilDay` when ongoing. */
  days: number
  ongoing: boolean
  /** Date of the reading at which relief fell below the threshold (not ongoing). */
  lostDate?: string
}

function sessionMs (session: FacetSession): number {
  const times = session.lines.map((l) => instantMs(clinicalDate(l.resource))).filter((t): t is number => t !== undefined)
  return times.length > 0 ? Math.min(...times) : session.day * 86_400_000
}

/** Pain readings whose `partOf` references a line of the session, newest first. */
export function linkedReadings (record: EvaluationRecord, painScores: ValueSet, session: FacetSession): Reading[] {
  const refs = new Set(session.lines.map((l) => refKey(l.resource)).filter((r): r is string => r !== undefined))
  return readings(record, painScores, '{score}').list
    .filter((r) => asArray(r.resource.partOf as unknown[]).some((p) => {
      const ref = str(obj(p)?.reference)
      return ref !== undefined && refs.has(normaliseReference(ref))
    }))
}

/**
 * Post-procedure pain readings of the completed facet sessions (the block's local-anaesthetic
 * effect, not the patient's pain): readings linked by `partOf` to a session line and taken after
 * it — after the earliest timed line when a line carries a time; when the session is date-only,
 * every linked reading on a later day and every one of the procedure day but its earliest.
 */
export function postProcedureReadings (record: EvaluationRecord, painScores: ValueSet, facet: ValueSet): ReadonlySet<Resource> {
  return record.remember(`post-procedure|${painScores.id}|${facet.id}`, () => {
    const out = new Set<Resource>()
    for (const session of completedSessions(record, facet)) {
      const linked = linkedReadings(record, painScores, session)
      const timed = session.lines.map((l) => clinicalDate(l.resource))
        .filter((d): d is string => typeof d === 'string' && d.length > 10)
        .map(instantMs).filter((t): t is number => t !== undefined)
      if (timed.length > 0) {
        const ms = Math.min(...timed)
        for (const r of linked) if (r.ms > ms) out.add(r.resource)
        continue
      }
      const sameDay = linked.filter((r) => r.day === session.day)
      const earliest = sameDay.at(-1) // newest first
      for (const r of linked) if (r.day > session.day || (r.day === session.day && r !== earliest)) out.add(r.resource)
    }
    return out
  })
}

/** Relief of one session from its linked pain scores; missing pre or post (or pre of 0) = undocumented. */
export function sessionRelief (record: EvaluationRecord, painScores: ValueSet, session: FacetSession): SessionRelief {
  const ms = sessionMs(session)
  const linked = linkedReadings(record, painScores, session)
  // readings are newest first
  const pre = linked.find((r) => r.ms <= ms)
  const post = [...linked].reverse().find((r) => r.ms > ms)
  if (pre === undefined || post === undefined || pre.value <= 0) return { documented: false, ms }
  return { documented: true, pct: (pre.value - post.value) / pre.value * 100, pre: pre.value, post: post.value, postDay: post.day, ms }
}

/** How long relief of at least `thresholdPct` lasted after the session (relief must be documented). */
export function reliefDuration (record: EvaluationRecord, painScores: ValueSet, session: FacetSession,
  relief: SessionRelief, thresholdPct: number, untilDay: number): ReliefDuration | undefined {
  if (!relief.documented || relief.pre === undefined) return undefined
  const pre = relief.pre
  const later = readings(record, painScores, '{score}').list.filter((r) => r.ms > relief.ms).reverse()
  const lost = later.find((r) => (pre - r.value) / pre * 100 < thresholdPct)
  if (lost === undefined) return { days: untilDay - session.day, ongoing: true }
  return { days: lost.day - session.day, ongoing: false, lostDate: isoDate(lost.day) }
}

/** "85%" / "undocumented" with pre → post, for card text. */
export function reliefLabel (relief: SessionRelief): string {
  if (!relief.documented || relief.pct === undefined) return 'relief undocumented (no linked pre- and post-procedure pain score)'
  return `${round(relief.pct, 1)}% relief (pain ${String(relief.pre)} → ${String(relief.post)})`
}
