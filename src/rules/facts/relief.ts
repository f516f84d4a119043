// Relief after a facet session (FHIR-DATA.md "Relief after a block"): pain scores whose `partOf`
// points at a line of the session give pre (last at/before) and post (first after); relief
// duration runs to the first later pain score (linked or not) below a relief threshold; which
// linked readings are post-procedure (block effect) for facts that must not read them as pain.
// Relief after an RFA (revision 2) is judged only from readings after the flare window.

import { instantMs, isoDate } from '../../fhir/dates.js'
import { type RawLine, type Region, completedLines, groupLines } from '../../fhir/facet.js'
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

/** What relief needs of a session: its day and lines. */
export interface LineGroup { day: number, lines: readonly RawLine[] }

function sessionMs (session: LineGroup): number {
  const times = session.lines
    .map((l) => instantMs(clinicalDate(l.resource)))
    .filter((t): t is number => t !== undefined)
  return times.length > 0 ? Math.min(...times) : session.day * 86_400_000
}

/** Pain readings whose `partOf` references a line of the session, newest first. */
export function linkedReadings (record: EvaluationRecord, painScores: ValueSet, session: LineGroup): Reading[] {
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
export function postProcedureReadings (
  record: EvaluationRecord,
  painScores: ValueSet,
  facet: ValueSet
): ReadonlySet<Resource> {
  return record.remember(`post-procedure|${painScores.id}|${facet.id}`, () => {
    const out = new Set<Resource>()
    for (const lines of groupLines(completedLines(record, facet))) {
      const session = { day: (lines[0] as RawLine).day, lines }
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
export function sessionRelief (record: EvaluationRecord, painScores: ValueSet, session: LineGroup): SessionRelief {
  const ms = sessionMs(session)
  const linked = linkedReadings(record, painScores, session)
  // readings are newest first
  const pre = linked.find((r) => r.ms <= ms)
  const post = [...linked].reverse().find((r) => r.ms > ms)
  if (pre === undefined || post === undefined || pre.value <= 0) return { documented: false, ms }
  return {
    documented: true,
    pct: (pre.value - post.value) / pre.value * 100,
    pre: pre.value,
    post: post.value,
    postDay: post.day,
    ms
  }
}

/** How long relief of at least `thresholdPct` lasted after the session (relief must be documented). */
export function reliefDuration (record: EvaluationRecord, painScores: ValueSet, session: LineGroup,
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

/** Region words of a reading's bodySite (revision 2b). */
function regionOfWords (r: Resource): Region | undefined {
  const words = asArray(r.bodySite as unknown[])
    .flatMap((cc) => [str(obj(cc)?.text), ...asArray(obj(cc)?.coding as unknown[]).map((c) => str(obj(c)?.display))])
    .filter((t): t is string => t !== undefined).join(' ').toLowerCase()
  if (/(^|[^a-z])(cervical|neck)([^a-z]|$)/.test(words)) return 'cervical-thoracic'
  if (/(^|[^a-z])(lumbar|low back|sacral)([^a-z]|$)/.test(words)) return 'lumbar-sacral'
  return undefined
}

/** A reading's region: of the facet procedure its partOf references, else its bodySite words, else none. */
export function readingRegion (record: EvaluationRecord, facet: ValueSet, r: Resource): Region | undefined {
  const partOf = asArray(r.partOf as unknown[])
    .map((p) => str(obj(p)?.reference))
    .filter((x): x is string => x !== undefined)
  for (const ref of partOf) {
    const region = facet.match(record.resolve(ref)?.code)?.properties.region
    if (region === 'cervical-thoracic' || region === 'lumbar-sacral') return region
  }
  return regionOfWords(r)
}

export interface RfaReliefOptions { thresholdPct: number, flareDays: number, preLookbackDays: number, untilDay: number }

export interface RfaRelief extends SessionRelief {
  duration?: ReliefDuration
  /** Short text for card summaries: "not documented beyond the first 21 days", "30% on …", … */
  status: string
}

/**
 * Relief after an RFA (FHIR-DATA.md "Relief after an RFA"): pre = the linked pre score, else the
 * latest pain score within preLookbackDays before it; judged on pain scores (linked or not, of the
 * session's region or region-less) dated more than flareDays after it; the first below the
 * threshold = not achieved; else relief lasted to the first later one below it, or is ongoing.
 */
export function rfaRelief (record: EvaluationRecord, painScores: ValueSet, facet: ValueSet,
  session: LineGroup & { region: Region }, o: RfaReliefOptions): RfaRelief {
  const ms = sessionMs(session)
  const last = `last RFA ${isoDate(session.day)}:`
  const all = readings(record, painScores, '{score}').list // newest first
  const regionOk = (r: Reading): boolean => {
    const g = readingRegion(record, facet, r.resource)
    return g === undefined || g === session.region
  }
  const pre = linkedReadings(record, painScores, session).find((r) => r.ms <= ms) ??
    all.find((r) => r.ms <= ms && session.day - r.day <= o.preLookbackDays && regionOk(r))
  const judged = all.filter((r) => r.day - session.day > o.flareDays && r.day <= o.untilDay && regionOk(r)).reverse()
  const first = judged[0]
  if (pre === undefined || pre.value <= 0 || first === undefined) {
    const why = pre === undefined || pre.value <= 0 ? '(no pain score before it)' : `beyond the first ${o.flareDays} days`
    return { documented: false, ms, status: `${last} relief not documented ${why}` }
  }
  const pctOf = (r: Reading): number => (pre.value - r.value) / pre.value * 100
  const base = { documented: true, pct: pctOf(first), pre: pre.value, post: first.value, postDay: first.day, ms }
  const lost = judged.find((r) => pctOf(r) < o.thresholdPct)
  if (lost === undefined) {
    const days = o.untilDay - session.day
    return { ...base, duration: { days, ongoing: true }, status: `${last} relief ongoing, ${days} days so far` }
  }
  const duration = { days: lost.day - session.day, ongoing: false, lostDate: isoDate(lost.day) }
  const status = lost === first ? `${last} relief ${round(pctOf(first), 1)}% on ${isoDate(first.day)}` : `${last} relief lasted ${duration.days} days`
  return { ...base, duration, status }
}
