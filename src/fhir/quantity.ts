// Reading numeric Observation values in a known unit. A value whose unit we cannot convert is
// reported as unreadable, never guessed (FHIR-DATA.md, "Units").

import { type Resource, obj, str } from './resource.js'

const FINAL_STATUSES = new Set(['final', 'amended', 'corrected'])

/** Units accepted as-is for each target unit, and conversions from others. */
const SAME: Record<string, ReadonlySet<string>> = {
  '{score}': new Set(['', '{score}', '{Score}', 'score', '{#}', '1', '{points}', '/10', '%']),
  Cel: new Set(['Cel', '°C', 'C', 'degC', 'cel']),
  'mg/dL': new Set(['mg/dL', 'mg/dl']),
  '%': new Set(['%', '%{HbA1c}', 'percent']),
  '1': new Set(['', '1', '{INR}', '{ratio}', 'INR', '{inr}']),
  '10*3/uL': new Set(['10*3/uL', '10^3/uL', '10*9/L', '10^9/L', 'K/uL', '10*3/mm3', 'x10E3/uL'])
}
const CONVERT: Record<string, Record<string, (v: number) => number>> = {
  Cel: { '[degF]': (v) => (v - 32) * 5 / 9, '°F': (v) => (v - 32) * 5 / 9, F: (v) => (v - 32) * 5 / 9, degF: (v) => (v - 32) * 5 / 9 },
  'mg/dL': { 'mmol/L': (v) => v * 18.016 },
  '10*3/uL': { '/uL': (v) => v / 1000, '10*6/L': (v) => v / 1000 }
}

export function isFinalObservation (r: Resource): boolean {
  return r.resourceType === 'Observation' && FINAL_STATUSES.has(String(r.status))
}

export type ReadValue = { ok: true, value: number } | { ok: false, reason: 'no-value' | 'unit' }

/** Numeric value of an Observation converted to `unit`. */
export function readValue (r: Resource, unit: string): ReadValue {
  if (typeof r.valueInteger === 'number' && Number.isFinite(r.valueInteger)) {
    return SAME[unit]?.has('') === true ? { ok: true, value: r.valueInteger } : { ok: false, reason: 'unit' }
  }
  const q = obj(r.valueQuantity)
  if (q === undefined || typeof q.value !== 'number' || !Number.isFinite(q.value)) return { ok: false, reason: 'no-value' }
  const given = str(q.code) ?? str(q.unit) ?? ''
  if (SAME[unit]?.has(given) === true) return { ok: true, value: q.value }
  const table = CONVERT[unit]
  const conv = table !== undefined && Object.hasOwn(table, given) ? table[given] : undefined
  return conv === undefined ? { ok: false, reason: 'unit' } : { ok: true, value: round(conv(q.value), 2) }
}

export function round (v: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}
