// Calendar arithmetic on FHIR date/dateTime strings. Day counts are whole UTC calendar days
// (FHIR-DATA.md "Windows"): a dateTime with a zone is placed on its UTC day; a date, or a dateTime
// without a zone (invalid FHIR, read as UTC), on the day written. Nothing depends on the process
// time zone.
// Windows (FHIR-DATA.md "Windows"): "within N days of X" = dated ≥ X − N×24 h and ≤ X.

export const DAY_MS = 86_400_000
const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/
const ZONED = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/
const UNZONED = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/

// Facts read the same few dates over and over within and across calls: parse each text once.
// Pure functions of the text; the memos are bounded (cleared when full).
const MEMO_MAX = 20_000
const DAYS = new Map<string, number | undefined>()
const INSTANTS = new Map<string, number | undefined>()
const ISO_DATES = new Map<number, string>()

function memo<K, V> (cache: Map<K, V>, key: K, compute: (key: K) => V): V {
  if (cache.has(key)) return cache.get(key) as V
  if (cache.size >= MEMO_MAX) cache.clear()
  const value = compute(key)
  cache.set(key, value)
  return value
}

/** Days since 1970-01-01 of the UTC calendar day of a FHIR date or dateTime, or undefined. */
export function dayNumber (value: unknown): number | undefined {
  return typeof value === 'string' ? memo(DAYS, value, parseDay) : undefined
}

function parseDay (value: string): number | undefined {
  if (ZONED.test(value)) {
    const ms = instantMs(value)
    return ms === undefined ? undefined : Math.floor(ms / DAY_MS)
  }
  const m = DATE_RE.exec(value)
  if (m === null) return undefined
  const year = Number(m[1])
  const month = m[2] === undefined ? 1 : Number(m[2])
  const day = m[3] === undefined ? 1 : Number(m[3])
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined
  const ms = Date.UTC(year, month - 1, day)
  return Number.isFinite(ms) ? Math.floor(ms / DAY_MS) : undefined
}

/** Instant in epoch milliseconds (date-only values at 00:00 UTC; a dateTime without a zone read as UTC),
 *  or undefined. */
export function instantMs (value: unknown): number | undefined {
  return typeof value === 'string' ? memo(INSTANTS, value, parseInstant) : undefined
}

function parseInstant (value: string): number | undefined {
  if (!DATE_RE.test(value)) return undefined
  const text = value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : UNZONED.test(value) ? `${value}Z` : value
  const ms = Date.parse(text)
  return Number.isFinite(ms) ? ms : undefined
}

/** True when the value carries a time of day (a dateTime, not a date). */
export function hasTime (value: string): boolean {
  return value.length > 10
}

/**
 * "Within `days` days of the anchor" (FHIR-DATA.md "Windows"): dated ≥ anchor − days×24 h and
 * ≤ anchor. A date-only value stands for its whole UTC day: it is in when any part of that day
 * is, so a date-only value exactly `days` calendar days back counts and one a day further does not.
 */
export function withinDaysBefore (value: unknown, anchorMs: number, days: number): boolean {
  if (typeof value !== 'string') return false
  const start = anchorMs - days * DAY_MS
  if (hasTime(value)) {
    const ms = instantMs(value)
    return ms !== undefined && ms >= start && ms <= anchorMs
  }
  const day = dayNumber(value)
  return day !== undefined && day >= Math.floor(start / DAY_MS) && day * DAY_MS <= anchorMs
}

/** ISO calendar date (YYYY-MM-DD) of a day number. */
export function isoDate (day: number): string {
  return memo(ISO_DATES, day, (d) => new Date(d * DAY_MS).toISOString().slice(0, 10))
}

/** The evaluation clock: a fixed instant for one call. */
export interface EvaluationTime {
  /** ISO instant, e.g. 2026-11-29T10:00:00Z */
  readonly iso: string
  readonly ms: number
  /** Calendar day of `iso` (UTC). */
  readonly day: number
}

export function evaluationTime (now: Date): EvaluationTime {
  const iso = now.toISOString()
  return { iso, ms: now.getTime(), day: Math.floor(now.getTime() / DAY_MS) }
}

/** Whole years between a birth date and a calendar day. */
export function ageInYears (birthDate: unknown, onDay: number): number | undefined {
  const birth = dayNumber(birthDate)
  if (birth === undefined || typeof birthDate !== 'string') return undefined
  const b = new Date(birth * DAY_MS)
  const d = new Date(onDay * DAY_MS)
  let age = d.getUTCFullYear() - b.getUTCFullYear()
  const beforeBirthday = d.getUTCMonth() < b.getUTCMonth() ||
    (d.getUTCMonth() === b.getUTCMonth() && d.getUTCDate() < b.getUTCDate())
  if (beforeBirthday) age--
  return age
}
