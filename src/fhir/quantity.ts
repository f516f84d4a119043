// Reading numeric Observation values in a known unit (FHIR-DATA.md "Observations", "Units").
// A value whose unit we cannot convert, or that falls outside its instrument's range, is
// reported as unreadable, never guessed. Physical units (temperature, mass, cell counts) are
// converted with UCUM (@lhncbc/ucum-lhc); clinical conventions UCUM does not cover (HbA1c
// IFCC → NGSP, glucose mmol/L → mg/dL at the documented factor, score scales) are written here.

import ucum from '@lhncbc/ucum-lhc'
import { type Resource, obj, str } from './resource.js'

const FINAL_STATUSES = new Set(['final', 'amended', 'corrected'])

/** Status final, amended or corrected (FHIR-DATA.md: counts everywhere, LATEST included). */
export function isFinalObservation (r: Resource): boolean {
  return r.resourceType === 'Observation' && FINAL_STATUSES.has(String(r.status))
}

/** Target units a fact may ask for. */
export type TargetUnit = '{score}' | 'Cel' | 'mg/dL' | '%' | '1' | '10*3/uL' | 'kg'
export const TARGET_UNITS: readonly TargetUnit[] = ['{score}', 'Cel', 'mg/dL', '%', '1', '10*3/uL', 'kg']

/**
 * How a score is read (value-set concept properties): `instrument` (pain, ODI, NDI, PEG,
 * PROMIS-PI) picks the unit conversions, `min`/`max` the valid range.
 */
export interface ScoreScale { instrument?: unknown, min?: unknown, max?: unknown }

export type ReadValue = { ok: true, value: number } | { ok: false, reason: 'no-value' | 'unit' }

/** Written spellings that are not UCUM codes, mapped to their UCUM code. */
const ALIASES: Readonly<Record<string, string>> = {
  '°C': 'Cel',
  C: 'Cel',
  degC: 'Cel',
  cel: 'Cel',
  CEL: 'Cel',
  '°F': '[degF]',
  F: '[degF]',
  degF: '[degF]',
  'mg/dl': 'mg/dL',
  'K/uL': '10*3/uL',
  '10^3/uL': '10*3/uL',
  'x10E3/uL': '10*3/uL',
  '10^9/L': '10*9/L',
  'x10E9/L': '10*9/L',
  lb: '[lb_av]',
  lbs: '[lb_av]',
  '[lb_us]': '[lb_av]',
  '%{HbA1c}': '%',
  percent: '%'
}

/** Score units read as the instrument's own number; `%`, `mm` per instrument below. */
const PLAIN_SCORE = new Set(['', '{score}', '{Score}', 'score', '{#}', '1', '{points}', '{T-score}', '{tscore}'])
const PAIN_INSTRUMENTS = new Set(['pain', 'PEG'])

/**
 * HbA1c IFCC (mmol/mol) → NGSP (%): the IFCC–NGSP master equation, NGSP = 0.09148 × IFCC + 2.152
 * (Hoelzel W et al., Clin Chem 2004;50:166–174; NGSP "IFCC Standardization of HbA1c",
 * https://ngsp.org/ifcc.asp). Equivalent to FHIR-DATA.md's "÷ 10.929 + 2.15".
 */
export const hba1cIfccToNgsp = (mmolPerMol: number): number => 0.09148 * mmolPerMol + 2.152
/** Glucose mmol/L → mg/dL at the documented factor (FHIR-DATA.md; molar mass 180.16 g/mol). */
export const GLUCOSE_MG_DL_PER_MMOL_L = 18.016

/** Conversions UCUM cannot do (they depend on what is measured), per target unit. */
const CLINICAL: Readonly<Record<string, Readonly<Record<string, (v: number) => number>>>> = {
  '%': { 'mmol/mol': hba1cIfccToNgsp },
  'mg/dL': { 'mmol/L': (v) => v * GLUCOSE_MG_DL_PER_MMOL_L },
  1: {}
}
/** Ratio units accepted for INR (no conversion). */
const RATIO = new Set(['', '1', '{INR}', '{ratio}', 'INR', '{inr}'])
/** Targets converted through UCUM (physical quantities). */
const PHYSICAL = new Set(['Cel', 'mg/dL', '10*3/uL', 'kg'])
/** Where UCUM would accept units no record uses for the measure, only these (a "39 K" body temperature is an error). */
const PHYSICAL_ONLY: Readonly<Record<string, ReadonlySet<string>>> = { Cel: new Set(['[degF]']) }

const ucumUtils = ucum.UcumLhcUtils.getInstance()
const AFFINE = new Map<string, { a: number, b: number } | null>()

/** A UCUM conversion from → to as v ↦ a + b·v (every UCUM conversion the service needs is affine), cached. */
function ucumAffine (from: string, to: string): { a: number, b: number } | null {
  const key = `${from}|${to}`
  const hit = AFFINE.get(key)
  if (hit !== undefined) return hit
  let value: { a: number, b: number } | null = null
  try {
    const zero = ucumUtils.convertUnitTo(from, 0, to)
    const one = ucumUtils.convertUnitTo(from, 1, to)
    if (zero.status === 'succeeded' && one.status === 'succeeded' && typeof zero.toVal === 'number' && typeof one.toVal === 'number') {
      value = { a: zero.toVal, b: one.toVal - zero.toVal }
    }
  } catch { value = null }
  if (AFFINE.size < 1000) AFFINE.set(key, value)
  return value
}

/** Converts a value given in `unit` to `target`, or undefined when the unit is unknown for it. */
export function convert (value: number, unit: string, target: TargetUnit, scale: ScoreScale = {}): number | undefined {
  const given = ALIASES[unit] ?? unit
  if (target === '{score}') return scoreValue(value, given, scale)
  if (target === '1') return RATIO.has(given) ? value : undefined
  if (given === target) return value
  const clinical = CLINICAL[target]?.[given]
  if (clinical !== undefined) return clinical(value)
  if (!PHYSICAL.has(target) || given === '' || PHYSICAL_ONLY[target]?.has(given) === false) return undefined
  const f = ucumAffine(given, target)
  return f === null ? undefined : f.a + f.b * value
}

function scoreValue (value: number, unit: string, scale: ScoreScale): number | undefined {
  const instrument = typeof scale.instrument === 'string' ? scale.instrument : undefined
  let v: number | undefined
  if (PLAIN_SCORE.has(unit)) v = value
  else if (unit === '/10' && instrument !== undefined && PAIN_INSTRUMENTS.has(instrument)) v = value
  else if (unit === 'mm' && instrument === 'pain') v = value / 10 // 0–100 mm VAS → 0–10
  else if (unit === '%' && instrument === 'ODI') v = value
  else if (unit === '%' && instrument === 'NDI') v = value / 2 // NDI % → 0–50
  if (v === undefined) return undefined
  const min = typeof scale.min === 'number' ? scale.min : -Infinity
  const max = typeof scale.max === 'number' ? scale.max : Infinity
  return v >= min && v <= max ? v : undefined
}

/** Numeric value of an Observation converted to `unit` (score scales from the value-set concept). */
export function readValue (r: Resource, unit: string, scale: ScoreScale = {}): ReadValue {
  const target = TARGET_UNITS.find((u) => u === unit)
  if (target === undefined) return { ok: false, reason: 'unit' }
  let raw: number | undefined
  let given = ''
  if (typeof r.valueInteger === 'number' && Number.isFinite(r.valueInteger)) {
    raw = r.valueInteger
  } else {
    const q = obj(r.valueQuantity)
    if (q === undefined || typeof q.value !== 'number' || !Number.isFinite(q.value)) return { ok: false, reason: 'no-value' }
    raw = q.value
    given = str(q.code) ?? str(q.unit) ?? ''
  }
  const v = convert(raw, given, target, scale)
  return v === undefined || !Number.isFinite(v) ? { ok: false, reason: 'unit' } : { ok: true, value: round(v, 2) }
}

export function round (v: number, digits = 1): number {
  const f = 10 ** digits
  return Math.round(v * f) / f
}
