// Unit handling (FHIR-DATA.md "Units", CLINICAL.md revision 2/2b): every accepted unit of every
// target, the clinical conversions, and values that must be ignored rather than guessed.

import t from 'tap'
import { convert, hba1cIfccToNgsp, isFinalObservation, readValue } from '../../src/fhir/quantity.js'
import type { Resource } from '../../src/fhir/resource.js'

const obs = (valueQuantity: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): Resource =>
  ({ resourceType: 'Observation', status: 'final', ...(valueQuantity === undefined ? {} : { valueQuantity }), ...extra })
const ucum = (value: number, code: string): Resource => obs({ value, system: 'http://unitsofmeasure.org', code, unit: code })
const PAIN = { instrument: 'pain', min: 0, max: 10 }
const ODI = { instrument: 'ODI', min: 0, max: 100 }
const NDI = { instrument: 'NDI', min: 0, max: 50 }

const value = (r: Resource, unit: string, scale = {}): number | undefined => {
  const v = readValue(r, unit, scale)
  return v.ok ? v.value : undefined
}

await t.test('status final, amended or corrected count; others do not', async (t) => {
  for (const status of ['final', 'amended', 'corrected']) t.ok(isFinalObservation(obs(undefined, { status })), status)
  for (const status of ['preliminary', 'registered', 'cancelled', 'entered-in-error', undefined]) t.notOk(isFinalObservation(obs(undefined, { status })), String(status))
})

await t.test('temperature: Cel as is, [degF] and °F converted, Kelvin and no unit ignored', async (t) => {
  t.equal(value(ucum(38.2, 'Cel'), 'Cel'), 38.2)
  t.equal(value(obs({ value: 38.2, unit: '°C' }), 'Cel'), 38.2)
  t.equal(value(ucum(100.4, '[degF]'), 'Cel'), 38)
  t.equal(value(obs({ value: 101, unit: '°F' }), 'Cel'), 38.33)
  t.equal(value(ucum(311, 'K'), 'Cel'), undefined, 'Kelvin is not a body-temperature unit in records: ignored')
  t.equal(value(obs({ value: 38.5 }), 'Cel'), undefined, 'no unit')
  t.equal(value(obs(undefined, { valueInteger: 39 }), 'Cel'), undefined, 'valueInteger has no unit')
})

await t.test('glucose: mg/dL as is, mmol/L × 18.016, other mass concentrations through UCUM', async (t) => {
  t.equal(value(ucum(310, 'mg/dL'), 'mg/dL'), 310)
  t.equal(value(obs({ value: 310, unit: 'mg/dl' }), 'mg/dL'), 310)
  t.equal(value(ucum(16.65, 'mmol/L'), 'mg/dL'), 299.97, '16.65 mmol/L is just below 300 mg/dL')
  t.equal(value(ucum(16.66, 'mmol/L'), 'mg/dL'), 300.15)
  t.equal(value(ucum(3.1, 'g/L'), 'mg/dL'), 310)
  t.equal(value(ucum(310, '{score}'), 'mg/dL'), undefined)
})

await t.test('HbA1c: % as is, mmol/mol by the IFCC–NGSP master equation', async (t) => {
  t.equal(value(ucum(9.1, '%'), '%'), 9.1)
  t.equal(value(obs({ value: 9.1, unit: '%{HbA1c}', code: '%{HbA1c}' }), '%'), 9.1)
  t.equal(hba1cIfccToNgsp(75), 0.09148 * 75 + 2.152)
  t.equal(value(ucum(75, 'mmol/mol'), '%'), 9.01, '75 mmol/mol ≈ 9.0 %')
  t.equal(value(ucum(48, 'mmol/mol'), '%'), 6.54, '48 mmol/mol ≈ 6.5 % (the diagnostic threshold)')
  t.equal(value(ucum(9.1, 'g/dL'), '%'), undefined)
})

await t.test('INR: {INR}, 1 or no unit; anything else ignored', async (t) => {
  t.equal(value(ucum(1.6, '{INR}'), '1'), 1.6)
  t.equal(value(ucum(1.6, '1'), '1'), 1.6)
  t.equal(value(obs({ value: 1.6 }), '1'), 1.6)
  t.equal(value(ucum(16, 's'), '1'), undefined, 'a prothrombin time in seconds is not an INR')
})

await t.test('platelets: 10*3/uL, 10*9/L (same number), /uL and 10*6/L converted', async (t) => {
  t.equal(value(ucum(45, '10*3/uL'), '10*3/uL'), 45)
  t.equal(value(ucum(45, '10*9/L'), '10*3/uL'), 45)
  t.equal(value(obs({ value: 45, unit: '10^9/L' }), '10*3/uL'), 45)
  t.equal(value(obs({ value: 45, unit: 'K/uL' }), '10*3/uL'), 45)
  t.equal(value(ucum(45000, '/uL'), '10*3/uL'), 45)
  t.equal(value(ucum(45000, '10*6/L'), '10*3/uL'), 45)
  t.equal(value(ucum(45, '%'), '10*3/uL'), undefined)
})

await t.test('body weight: kg, g and [lb_av] through UCUM', async (t) => {
  t.equal(value(ucum(70, 'kg'), 'kg'), 70)
  t.equal(value(ucum(70000, 'g'), 'kg'), 70)
  t.equal(value(ucum(154, '[lb_av]'), 'kg'), 69.85)
  t.equal(value(obs({ value: 154, unit: 'lbs' }), 'kg'), 69.85)
  t.equal(value(ucum(70, 'cm'), 'kg'), undefined)
})

await t.test('pain scores: plain 0–10, mm VAS ÷ 10, out of range or % ignored', async (t) => {
  t.equal(value(ucum(7, '{score}'), '{score}', PAIN), 7)
  t.equal(value(obs({ value: 7 }), '{score}', PAIN), 7)
  t.equal(value(obs(undefined, { valueInteger: 7 }), '{score}', PAIN), 7)
  t.equal(value(ucum(42, 'mm'), '{score}', PAIN), 4.2, '42 mm VAS → 4.2/10')
  t.equal(value(ucum(100, 'mm'), '{score}', PAIN), 10)
  t.equal(value(ucum(42, '%'), '{score}', PAIN), undefined)
  t.equal(value(obs({ value: 42 }), '{score}', PAIN), undefined, 'a 0–100 reading without a unit is not guessed to be mm')
  t.equal(value(ucum(4.2, 'cm'), '{score}', PAIN), undefined)
})

await t.test('disability: ODI {score} or %, NDI 0–50 raw or % ÷ 2', async (t) => {
  t.equal(value(ucum(44, '{score}'), '{score}', ODI), 44)
  t.equal(value(ucum(44, '%'), '{score}', ODI), 44)
  t.equal(value(ucum(44, 'mm'), '{score}', ODI), undefined)
  t.equal(value(ucum(22, '{score}'), '{score}', NDI), 22)
  t.equal(value(ucum(44, '%'), '{score}', NDI), 22)
  t.equal(value(obs({ value: 64 }), '{score}', NDI), undefined, 'a raw NDI above 50 is out of range, not halved')
  t.equal(value(ucum(60, '{T-score}'), '{score}', { instrument: 'PROMIS-PI' }), 60)
})

await t.test('unknown target or a value that is not a number', async (t) => {
  t.same(readValue(ucum(1, 'Cel'), 'mmHg'), { ok: false, reason: 'unit' })
  t.same(readValue(obs({ value: 'x', code: 'Cel' }), 'Cel'), { ok: false, reason: 'no-value' })
  t.same(readValue(obs(undefined), 'Cel'), { ok: false, reason: 'no-value' })
  t.equal(convert(1, 'Cel', 'Cel'), 1)
})
