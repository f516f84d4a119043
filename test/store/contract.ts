// The behaviour both stores must show (run against a temp SQLite file and a real PostgreSQL).

import type { Test } from 'tap'
import type { AuditRecord, FeedbackEntry, IssuedCard, Store } from '../../src/store/types.js'

export const card = (uuid: string, ruleId: string, issuedAt = '2026-11-29T10:00:00.000Z', service = 'facet-pt-order-select'): IssuedCard =>
  ({ cardUuid: uuid, ruleId, variant: null, ruleVersion: '1.0.0', service, hookInstance: `hi-${uuid}`, issuedAt })

let n = 0
export const fb = (cardUuid: string, outcome: 'accepted' | 'overridden', extra: Partial<FeedbackEntry> = {}): FeedbackEntry => ({
  id: `fb-${++n}-${Math.random()}`,
  receivedAt: '2026-11-29T10:05:00.000Z',
  service: 'facet-pt-order-select',
  cardUuid,
  outcome,
  acceptedSuggestions: outcome === 'accepted' ? ['s-1'] : [],
  reasonSystem: null,
  reasonCode: null,
  reasonDisplay: null,
  userComment: null,
  outcomeTimestamp: '2026-11-29T10:04:00.000Z',
  ...extra
})

export const audit = (id: string, status: number): AuditRecord => ({
  id,
  at: '2026-11-29T10:00:00.000Z',
  service: 'facet-pt-order-select',
  hook: 'order-select',
  hookInstance: `hi-${id}`,
  status,
  durationMs: 1.25,
  catalogHash: 'abc',
  rulesFired: status === 200 ? ['SAFE-01@1.0.0'] : [],
  cardUuids: status === 200 ? ['c1'] : []
})

const reason = (code: string): Partial<FeedbackEntry> => ({ reasonSystem: 'urn:facet-pt-cds:override-reason', reasonCode: code })

export async function storeContract (t: Test, open: () => Promise<Store>): Promise<void> {
  const store = await open()
  t.teardown(async () => { await store.close() })

  await t.test('migrations are idempotent', async (t) => {
    await store.migrate()
    await store.migrate()
    t.same(await store.feedback(), [], 'empty after migrating twice')
  })

  await t.test('writes cards, audits and feedback; links feedback to rules; flags unknown cards', async (t) => {
    const r1 = await store.write({
      cards: [card('c1', 'SAFE-01'), card('c2', 'SAFE-01'), card('c3', 'SUIT-01'), { ...card('c4', 'SAFE-01', '2026-11-01T00:00:00.000Z', 'facet-pt-patient-view'), variant: 'a' }],
      audits: [audit('a1', 200), audit('a2', 412)],
      feedback: [fb('c1', 'accepted')]
    })
    t.equal(r1.unknownFeedback, 0, 'feedback in the same batch as its card is linked')
    const r2 = await store.write({
      cards: [],
      audits: [],
      feedback: [
        fb('c1', 'overridden', reason('not-clinically-appropriate')),
        fb('c2', 'overridden', { ...reason('not-clinically-appropriate'), userComment: 'held apixaban already', reasonDisplay: 'Not appropriate' }),
        fb('c3', 'overridden'),
        fb('c4', 'overridden', { ...reason('patient-declined'), service: 'facet-pt-patient-view' }),
        fb('nope', 'overridden', reason('x'))
      ]
    })
    t.equal(r2.unknownFeedback, 1, 'one unknown card')
    const stored = await store.feedback()
    t.equal(stored.length, 6, 'every entry stored, unknown included')
    const unknown = stored.find((f) => f.cardUuid === 'nope')
    t.match(unknown, { known: false, ruleId: null, ruleVersion: null, reasonCode: 'x' }, 'unknown card stored and flagged')
    const c2 = stored.find((f) => f.cardUuid === 'c2')
    t.match(c2, { known: true, ruleId: 'SAFE-01', ruleVersion: '1.0.0', outcome: 'overridden', reasonSystem: 'urn:facet-pt-cds:override-reason', reasonCode: 'not-clinically-appropriate', reasonDisplay: 'Not appropriate', userComment: 'held apixaban already' })
    t.same(stored.find((f) => f.outcome === 'accepted')?.acceptedSuggestions, ['s-1'])
    t.equal(stored.find((f) => f.cardUuid === 'c4')?.variant, 'a', 'variant linked')
    const audits = await store.audits()
    t.same(audits.map((a) => [a.id, a.status, a.rulesFired, a.cardUuids, a.durationMs]), [['a1', 200, ['SAFE-01@1.0.0'], ['c1'], 1.25], ['a2', 412, [], [], 1.25]])
    t.equal((await store.issuedCards()).length, 4)
  })

  await t.test('a duplicate card uuid or row id is ignored, not an error', async (t) => {
    await store.write({ cards: [card('c1', 'SAFE-01')], audits: [audit('a1', 200)], feedback: [] })
    t.equal((await store.issuedCards()).length, 4)
    t.equal((await store.audits()).length, 2)
  })

  await t.test('summary per rule', async (t) => {
    const all = await store.summary({})
    t.same(all.rules.map((r) => r.rule), ['SAFE-01', 'SUIT-01'])
    const safe = all.rules[0]
    t.match(safe, { rule: 'SAFE-01', versions: ['1.0.0'], shown: 3, accepted: 1, overridden: 2, overrideRate: 0.667 },
      'cards, not events: c1 accepted then dismissed counts once, as accepted')
    t.same(safe?.events, { accepted: 1, overridden: 3 }, 'the raw feedback entries are counted beside the cards, as events')
    t.same(safe?.topOverrideReasons, [
      { system: 'urn:facet-pt-cds:override-reason', code: 'not-clinically-appropriate', count: 1 },
      { system: 'urn:facet-pt-cds:override-reason', code: 'patient-declined', count: 1 }
    ], "c1's override reason is not counted: the card was accepted")
    t.match(all.rules[1], { rule: 'SUIT-01', shown: 1, accepted: 0, overridden: 1, overrideRate: 1, topOverrideReasons: [{ system: null, code: null, count: 1 }], events: { accepted: 0, overridden: 1 } })
    t.equal(all.unknownCardFeedback, 1)

    const orderSelect = await store.summary({ service: 'facet-pt-order-select' })
    t.match(orderSelect.rules[0], { rule: 'SAFE-01', shown: 2, accepted: 1, overridden: 1, events: { accepted: 1, overridden: 2 } }, 'service filter')
    t.equal(orderSelect.service, 'facet-pt-order-select')

    const recent = await store.summary({ since: '2026-11-29T00:00:00.000Z' })
    t.match(recent.rules[0], { rule: 'SAFE-01', shown: 2 }, 'cards issued before since are not counted')
    const future = await store.summary({ since: '2027-01-01T00:00:00.000Z' })
    t.same(future.rules, [])
    t.equal(future.unknownCardFeedback, 0)
  })

  await t.test('summary counts cards: any accepted suggestion wins, else the latest feedback decides', async (t) => {
    const at = (iso: string): Partial<FeedbackEntry> => ({ outcomeTimestamp: iso })
    await store.write({
      cards: [card('g1', 'GOV-01'), card('g2', 'GOV-01'), card('g3', 'GOV-01'), card('g4', 'GOV-01'), card('g5', 'GOV-01')],
      audits: [],
      feedback: [
        // g1: dismissed first, then a suggestion accepted → accepted once
        fb('g1', 'overridden', { ...reason('patient-declined'), ...at('2026-11-29T10:01:00.000Z') }),
        fb('g1', 'accepted', { ...at('2026-11-29T10:02:00.000Z'), acceptedSuggestions: ['s-a', 's-b'] }),
        // g2: overridden twice → one overridden card with the reason of the latest entry (by outcome time, not arrival)
        fb('g2', 'overridden', { ...reason('documented-elsewhere'), ...at('2026-11-29T10:09:00.000Z') }),
        fb('g2', 'overridden', { ...reason('patient-declined'), ...at('2026-11-29T10:03:00.000Z') }),
        // g3: accepted twice → one accepted card
        fb('g3', 'accepted', at('2026-11-29T10:01:00.000Z')),
        fb('g3', 'accepted', at('2026-11-29T10:02:00.000Z')),
        // g4: overridden with no reason; g5: no feedback at all
        fb('g4', 'overridden', at('2026-11-29T10:01:00.000Z'))
      ]
    })
    const gov = (await store.summary({})).rules.find((r) => r.rule === 'GOV-01')
    t.match(gov, { shown: 5, accepted: 2, overridden: 2, overrideRate: 0.5, events: { accepted: 3, overridden: 4 } })
    t.same(gov?.topOverrideReasons, [
      { system: 'urn:facet-pt-cds:override-reason', code: 'documented-elsewhere', count: 1 },
      { system: null, code: null, count: 1 }
    ], "g2 counts once with its latest reason; g1's dismissal is not counted")
  })

  await t.test('the write probe commits', async (t) => {
    await store.probe()
    await store.probe()
    t.pass('two probes in a row (upsert of one row)')
  })

  await t.test('seen jti: first use true, a live replay false, reuse after expiry true, per issuer', async (t) => {
    const now = 1_800_000_000
    t.equal(await store.rememberJti('https://ehr.test', 'j1', now + 300, now), true, 'first use')
    t.equal(await store.rememberJti('https://ehr.test', 'j1', now + 300, now + 10), false, 'replay while live')
    t.equal(await store.rememberJti('https://other.test', 'j1', now + 300, now), true, 'the same jti from another issuer is another token')
    t.equal(await store.rememberJti('https://ehr.test', 'j1', now + 900, now + 301), true, 'once expired, the id may be used again')
    t.equal(await store.rememberJti('https://ehr.test', 'j1', now + 900, now + 302), false, 'and is then recorded again')
    const racing = await Promise.all([1, 2, 3].map(async () => await store.rememberJti('https://ehr.test', 'race', now + 300, now)))
    t.same(racing.filter(Boolean).length, 1, 'concurrent uses of one token: exactly one wins')
    t.equal(await store.rememberJti('https://ehr.test', 'old', now - 1, now + 120), true, 'a token recorded in the past (already expired)')
    t.equal(await store.rememberJti('https://ehr.test', 'j2', now + 2000, now + 1000), true, 'a check after pruning (expired ids deleted)')
    t.equal(await store.rememberJti('https://ehr.test', 'j2', now + 2000, now + 1000), false)
  })

  await t.test('a batch is one transaction: a failing row writes nothing', async (t) => {
    const bad = { ...audit('a9', 200), catalogHash: null as unknown as string }
    await t.rejects(store.write({ cards: [card('c9', 'SAFE-01')], audits: [bad], feedback: [] }))
    t.notOk((await store.issuedCards()).some((c) => c.cardUuid === 'c9'), 'the card of the failed batch was rolled back')
  })

  await t.test('time series: cards per issue day or week, their feedback counted as the summary counts it', async (t) => {
    const v = (c: IssuedCard, version: string): IssuedCard => ({ ...c, ruleVersion: version })
    const notIndicated = { reasonSystem: 'urn:facet-pt-cds:override-reason', reasonCode: 'not-indicated', reasonDisplay: 'Not indicated' }
    await store.write({
      cards: [
        card('ts-old', 'TS-01', '2026-11-01T09:00:00.000Z'),
        card('ts-1', 'TS-01', '2026-11-23T09:00:00.000Z'),
        card('ts-2', 'TS-01', '2026-11-23T23:59:00.000Z'),
        card('ts-3', 'TS-01', '2026-11-25T08:00:00.000Z'),
        card('ts-4', 'TS-01', '2026-11-25T09:00:00.000Z'),
        card('ts-5', 'TS-01', '2026-11-29T09:00:00.000Z'),
        v(card('ts-6', 'TS-01', '2026-11-29T09:30:00.000Z'), '2.0.0'),
        card('ts-other', 'TS-02', '2026-11-29T09:30:00.000Z')
      ],
      audits: [],
      feedback: [
        fb('ts-1', 'accepted'),
        fb('ts-2', 'overridden', notIndicated),
        fb('ts-3', 'overridden', { outcomeTimestamp: '2026-11-25T08:01:00.000Z' }),
        fb('ts-3', 'accepted', { outcomeTimestamp: '2026-11-25T08:02:00.000Z' }),
        fb('ts-4', 'overridden'),
        fb('ts-6', 'overridden', notIndicated)
      ]
    })
    const q = { since: '2026-11-23T00:00:00.000Z', until: '2026-11-29T10:00:00.000Z', rule: 'TS-01' }
    const days = await store.timeseries({ ...q, bucket: 'day' })
    t.equal(days.since, '2026-11-23T00:00:00.000Z')
    t.same(days.series.map((s) => `${s.rule}@${s.version}`), ['TS-01@1.0.0', 'TS-01@2.0.0'], 'per rule and version; the rule filter holds')
    const [v1, v2] = days.series
    t.equal(v1?.points.length, 7, 'one point per day, empty days included')
    t.same(v1?.points.filter((p) => p.shown > 0), [
      { start: '2026-11-23T00:00:00.000Z', shown: 2, accepted: 1, overridden: 1, overrideRate: 0.5 },
      { start: '2026-11-25T00:00:00.000Z', shown: 2, accepted: 1, overridden: 1, overrideRate: 0.5 },
      { start: '2026-11-29T00:00:00.000Z', shown: 1, accepted: 0, overridden: 0, overrideRate: null }
    ], 'a card overridden then accepted counts as accepted; ts-old is before since')
    t.same(v1?.topOverrideReasons, [
      { code: '(none)', display: 'no reason given', count: 1 },
      { code: 'not-indicated', system: 'urn:facet-pt-cds:override-reason', display: 'Not indicated', count: 1 }
    ])
    t.same(v2?.points.at(-1), { start: '2026-11-29T00:00:00.000Z', shown: 1, accepted: 0, overridden: 1, overrideRate: 1 })
    const weeks = await store.timeseries({ ...q, since: '2026-11-25T12:00:00.000Z', bucket: 'week' })
    t.equal(weeks.since, '2026-11-23T00:00:00.000Z', 'since aligned to its week (Monday, UTC)')
    t.same(weeks.series[0]?.points, [{ start: '2026-11-23T00:00:00.000Z', shown: 5, accepted: 2, overridden: 2, overrideRate: 0.5 }])
    const summary = (await store.summary({ since: '2026-11-23T00:00:00.000Z' })).rules.find((r) => r.rule === 'TS-01')
    const all = weeks.series.flatMap((s) => s.points)
    t.same([summary?.shown, summary?.accepted, summary?.overridden],
      ['shown', 'accepted', 'overridden'].map((k) => all.reduce((n, p) => n + (p[k as 'shown'] ?? 0), 0)), 'the same totals as the summary')
  })
}
