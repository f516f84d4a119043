// Windows (FHIR-DATA.md "Windows"): "within N days of X" = dated ≥ X − N×24 h and ≤ X; a date-only
// value stands for its whole UTC day.

import t from 'tap'
import { dayNumber, instantMs, isoDate, withinDaysBefore } from '../../src/fhir/dates.js'

const now = Date.parse('2026-11-29T10:00:00Z')

await t.test('timed values: ≥ now − N×24 h and ≤ now', async (t) => {
  t.ok(withinDaysBefore('2026-10-30T10:00:00Z', now, 30), 'exactly 30×24 h before')
  t.notOk(withinDaysBefore('2026-10-30T09:59:59Z', now, 30), 'one second more')
  t.ok(withinDaysBefore('2026-11-29T10:00:00Z', now, 30), 'now itself')
  t.notOk(withinDaysBefore('2026-11-29T10:00:01Z', now, 30), 'later than now')
  t.ok(withinDaysBefore('2026-10-30T12:00:00+02:00', now, 30), 'offsets are honoured (10:00Z)')
})

await t.test('date-only values: the whole UTC day', async (t) => {
  t.ok(withinDaysBefore('2026-10-30', now, 30), 'the day 30 days back counts')
  t.notOk(withinDaysBefore('2026-10-29', now, 30), 'the day before it does not')
  t.ok(withinDaysBefore('2026-11-29', now, 30), 'today')
  t.notOk(withinDaysBefore('2026-11-30', now, 30), 'tomorrow')
  t.ok(withinDaysBefore('2026-11', now, 0) === false, 'a month precision value starts on the 1st')
})

await t.test('no value', async (t) => {
  t.notOk(withinDaysBefore(undefined, now, 30))
  t.notOk(withinDaysBefore('not a date', now, 30))
})

await t.test('day counts are whole UTC calendar days', async (t) => {
  const day = (v: string): string | undefined => {
    const d = dayNumber(v)
    return d === undefined ? undefined : isoDate(d)
  }
  t.equal(day('2026-11-29'), '2026-11-29')
  t.equal(day('2026-11-29T23:30:00Z'), '2026-11-29')
  t.equal(day('2026-11-29T20:30:00-05:00'), '2026-11-30', 'evening in New York is the next UTC day')
  t.equal(day('2026-11-30T01:00:00+02:00'), '2026-11-29', 'early morning in Athens is the previous UTC day')
  t.equal(day('2026-11-29T20:30:00'), '2026-11-29', 'no zone: the written day')
  t.equal(instantMs('2026-11-29T20:30:00'), Date.parse('2026-11-29T20:30:00Z'), 'no zone: read as UTC, whatever TZ the process runs in')
  t.equal(day('2026-11'), '2026-11-01')
})
