import { readFileSync } from 'node:fs'
import t from 'tap'
import { FIXTURES, LogSink, testApp } from '../helper.js'

const PATIENT_VIEW = JSON.parse(readFileSync(`${FIXTURES}requests/patient-view-rfa-30-days-no-pt.json`, 'utf8')) as Record<string, any>
const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, any>
const FEEDBACK_URL = '/cds-services/facet-pt-order-select/feedback'

await t.test('feedback links back to the rule of the card the service issued', async (t) => {
  const { app, store } = await testApp(t)
  const cards: Array<Record<string, any>> = []
  for (const [service, payload] of [['facet-pt-order-select', ORDER_SELECT], ['facet-pt-patient-view', PATIENT_VIEW]] as const) {
    const hook = await app.inject({ method: 'POST', url: `/cds-services/${service}`, payload })
    t.equal(hook.statusCode, 200)
    cards.push(...(hook.json() as { cards: Array<Record<string, any>> }).cards)
  }
  const [withSuggestion, other] = cards as [Record<string, any>, Record<string, any>]
  t.ok(cards.length >= 2 && withSuggestion.source.topic.code !== other.source.topic.code, 'two cards of two rules to give feedback on')
  const res = await app.inject({
    method: 'POST',
    url: FEEDBACK_URL,
    payload: {
      feedback: [
        { card: withSuggestion.uuid, outcome: 'accepted', acceptedSuggestions: [{ id: withSuggestion.suggestions?.[0]?.uuid ?? 'suggestion-1' }], outcomeTimestamp: '2026-11-29T10:01:00Z' },
        { card: other.uuid, outcome: 'overridden', overrideReason: { reason: { code: 'not-clinically-appropriate', system: 'urn:facet-pt-cds:override-reason' }, userComment: 'discussed' }, outcomeTimestamp: '2026-11-29T10:02:00.5+01:00' },
        { card: 'never-issued', outcome: 'overridden', outcomeTimestamp: '2026-11-29T10:03:00Z' }
      ]
    }
  })
  t.equal(res.statusCode, 200)
  t.equal(res.body, '', 'empty body')

  const summary = await app.inject({ method: 'GET', url: '/feedback/summary' })
  t.equal(summary.statusCode, 200)
  const body = summary.json() as { rules: Array<Record<string, any>>, unknownCardFeedback: number }
  const rule = (id: string) => body.rules.find((r) => r.rule === id)
  const a = rule(withSuggestion.extension['org.facet-pt-cds'].rule)
  const o = rule(other.extension['org.facet-pt-cds'].rule)
  t.match(a, { shown: 1, accepted: 1, overridden: 0, overrideRate: 0 })
  t.match(o, { shown: 1, accepted: 0, overridden: 1, overrideRate: 1, topOverrideReasons: [{ code: 'not-clinically-appropriate', count: 1 }] })
  t.equal(body.rules.reduce((n, r) => n + r.shown, 0), cards.length, 'every issued card is counted as shown')
  t.equal(body.unknownCardFeedback, 1)

  // The sandbox keeps a card on screen after its suggestion was applied; dismissing it then sends `overridden`.
  const dismissed = await app.inject({
    method: 'POST',
    url: FEEDBACK_URL,
    payload: { feedback: [{ card: withSuggestion.uuid, outcome: 'overridden', overrideReason: { reason: { code: 'patient-declined', system: 'urn:facet-pt-cds:override-reason' } }, outcomeTimestamp: '2026-11-29T10:05:00Z' }] }
  })
  t.equal(dismissed.statusCode, 200)
  const after = (await app.inject({ method: 'GET', url: '/feedback/summary' })).json() as { rules: Array<Record<string, any>> }
  const acceptedRule = after.rules.find((r) => r.rule === withSuggestion.extension['org.facet-pt-cds'].rule)
  t.match(acceptedRule, {
    shown: 1,
    accepted: 1,
    overridden: 0,
    overrideRate: 0,
    events: { accepted: 1, overridden: 1 }
  },
  'accepted then dismissed: one accepted card, two events')
  t.same(acceptedRule?.topOverrideReasons, [], 'the dismissal of an accepted card gives no override reason')

  const stored = await store.feedback()
  t.equal(stored.length, 4)
  t.match(stored.find((f) => f.cardUuid === other.uuid), {
    known: true,
    ruleId: other.extension['org.facet-pt-cds'].rule,
    ruleVersion: other.extension['org.facet-pt-cds'].version,
    outcome: 'overridden',
    reasonCode: 'not-clinically-appropriate',
    reasonSystem: 'urn:facet-pt-cds:override-reason',
    userComment: 'discussed',
    outcomeTimestamp: '2026-11-29T09:02:00.500Z'
  })
  t.match(stored.find((f) => f.cardUuid === 'never-issued'), { known: false, ruleId: null }, 'unknown card stored and flagged')
  const issued = await store.issuedCards()
  t.same(issued.map((c) => c.cardUuid).sort(), cards.map((c) => c.uuid).sort(), 'card uuids recorded at hook time')
  t.same(Object.keys(issued[0] ?? {}).sort(), ['cardUuid', 'hookInstance', 'issuedAt', 'ruleId', 'ruleVersion', 'service', 'variant'], 'no patient data recorded with the card')
})

await t.test('feedback in the shapes the spec and the sandbox send is accepted', async (t) => {
  const { app } = await testApp(t)
  // Our own bodies, shaped like CDS Hooks 2.0's feedback examples and a sandbox capture.
  const shapes: Record<string, unknown> = {
    'accepted with a suggestion (spec)': { feedback: [{ card: '0b6a1f3e-8d2c-4c61-9a57-3f1d2e4b5c60', outcome: 'accepted', acceptedSuggestions: [{ id: '5d9e7c21-0a4b-4f38-b6e2-9c8d7e6f5a41' }], outcomeTimestamp: '2026-11-28T10:05:31Z' }] },
    'overridden without a reason (spec)': { feedback: [{ card: '7c3d2b1a-4e5f-4a6b-8c7d-9e0f1a2b3c4d', outcome: 'overridden', outcomeTimestamp: '2026-11-28T00:00:00Z' }] },
    'overridden with a reason and comment (spec)': { feedback: [{ card: '2f4e6a8c-1b3d-4f5a-9c7e-0d2b4f6a8c1e', outcome: 'overridden', overrideReason: { reason: { code: 'x1y2z3', system: 'https://ehr.example.org/override-reasons' }, userComment: 'Discussed with the patient.' }, outcomeTimestamp: '2026-11-28T00:00:00Z' }] },
    'accepted, millisecond timestamp (sandbox)': { feedback: [{ card: '33333333-3333-4333-8333-333333333333', outcome: 'accepted', acceptedSuggestions: [{ id: '44444444-4444-4444-8444-444444444444' }], outcomeTimestamp: '2026-11-29T17:16:28.298Z' }] }
  }
  for (const [name, body] of Object.entries(shapes)) {
    const res = await app.inject({ method: 'POST', url: FEEDBACK_URL, payload: body as object })
    t.equal(res.statusCode, 200, name)
  }
})

await t.test('invalid feedback gets a located 400; an unknown service 404', async (t) => {
  const { app, store } = await testApp(t)
  const post = async (payload: unknown, url = FEEDBACK_URL) => await app.inject({ method: 'POST', url, payload: payload as object })
  const expressions = (res: { json: () => any }) =>
    (res.json().issue as Array<{ expression?: string[] }>).map((i) => i.expression?.[0])
  const ok = { card: 'c', outcome: 'overridden', outcomeTimestamp: '2026-11-29T10:00:00Z' }

  const accepted = await post({ feedback: [ok, { card: 'c', outcome: 'accepted', outcomeTimestamp: '2026-11-29T10:00:00Z' }] })
  t.equal(accepted.statusCode, 400)
  t.equal(accepted.json().resourceType, 'OperationOutcome')
  t.same(expressions(accepted), ['feedback[1].acceptedSuggestions'], 'cds-fb-2')
  t.match(accepted.json().issue[0].diagnostics, /required when outcome is accepted/)

  t.same(expressions(await post({ feedback: [{ ...ok, outcome: 'ignored' }] })), ['feedback[0].outcome'])
  t.same(expressions(await post({ feedback: [{ ...ok, outcomeTimestamp: 'yesterday' }] })), ['feedback[0].outcomeTimestamp'])
  t.same(expressions(await post({ feedback: [{ ...ok, outcomeTimestamp: '2026-13-40T10:00:00Z' }] })), ['feedback[0].outcomeTimestamp'])
  t.same(expressions(await post({ feedback: [{ outcome: 'overridden', outcomeTimestamp: '2026-11-29T10:00:00Z' }] })), ['feedback[0].card'])
  t.same(expressions(await post({ feedback: [{ ...ok, overrideReason: { reason: { display: 'no code' } } }] })).sort(), ['feedback[0].overrideReason.reason.code', 'feedback[0].overrideReason.reason.system'])
  t.same(expressions(await post({ feedback: [] })), ['feedback'])
  t.same(expressions(await post({})), ['feedback'])
  const comment = await post({ feedback: [{ ...ok, overrideReason: { userComment: 'reason given in words only' } }] })
  t.equal(comment.statusCode, 200, 'overrideReason with only a comment is fine')

  const unknown = await post({ feedback: [ok] }, '/cds-services/nope/feedback')
  t.equal(unknown.statusCode, 404)
  t.same(expressions(unknown), ['id'])
  await app.inject({ method: 'GET', url: '/feedback/summary' })
  t.equal((await store.feedback()).length, 1, 'nothing from rejected requests was stored')
})

await t.test('summary filters and a bad since', async (t) => {
  let now = new Date('2026-11-01T10:00:00Z')
  const { app } = await testApp(t, { clock: () => now })
  const shown = async (q: string) => {
    const res = await app.inject({ method: 'GET', url: `/feedback/summary${q}` })
    t.equal(res.statusCode, 200, q)
    return (res.json() as { rules: Array<{ shown: number }> }).rules.reduce((n, r) => n + r.shown, 0)
  }
  await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: ORDER_SELECT })
  const first = await shown('')
  now = new Date('2026-11-29T10:00:00Z')
  await app.inject({ method: 'POST', url: '/cds-services/facet-pt-order-select', payload: ORDER_SELECT })
  const all = await shown('')
  t.ok(first > 0 && all > first, 'both calls issued cards')
  t.equal(await shown('?since=2026-11-15'), all - first, 'only the later call')
  t.equal(await shown('?since=2026-11-29T10:00:00Z'), all - first)
  t.equal(await shown('?service=facet-pt-patient-view'), 0)
  t.equal(await shown('?service=facet-pt-order-select&since=2026-10-01'), all)

  for (const bad of ['?since=last-week', '?since=2026-11-31x', '?since=']) {
    const res = await app.inject({ method: 'GET', url: `/feedback/summary${bad}` })
    t.equal(res.statusCode, 400, bad)
    t.same(res.json().issue[0].expression, ['since'], `${bad} is located`)
  }
  const extra = await app.inject({ method: 'GET', url: '/feedback/summary?rule=SAFE-01' })
  t.equal(extra.statusCode, 400, 'unknown query parameter')
})

await t.test('feedback is logged by count and outcome only, never the comment', async (t) => {
  const logs = new LogSink()
  const { app } = await testApp(t, { logs })
  const res = await app.inject({ method: 'POST', url: FEEDBACK_URL, payload: { feedback: [{ card: 'card-SECRET-uuid', outcome: 'overridden', overrideReason: { userComment: 'Mrs Jane Doe declined, DOB 1950-01-01' }, outcomeTimestamp: '2026-11-29T10:00:00Z' }] } })
  t.equal(res.statusCode, 200)
  t.match(logs.text, /feedback received/)
  t.notOk(logs.text.includes('Jane Doe'), 'no comment in the logs')
  t.notOk(logs.text.includes('1950-01-01'))
})

await t.test('a 200 means stored: the rows are in the store when the answer arrives (no flush)', async (t) => {
  const { app, store } = await testApp(t, { config: { DATABASE_URL: 'sqlite::memory:' } })
  const res = await app.inject({ method: 'POST', url: FEEDBACK_URL, payload: { feedback: [{ card: 'c-1', outcome: 'overridden', outcomeTimestamp: '2026-11-29T10:00:00Z' }, { card: 'c-2', outcome: 'overridden', outcomeTimestamp: '2026-11-29T10:00:00Z' }] } })
  t.equal(res.statusCode, 200)
  t.same((await store.feedback()).map((f) => f.cardUuid).sort(), ['c-1', 'c-2'])
})

await t.test('a NUL character in a feedback text is a located 400 (it could not be stored)', async (t) => {
  const { app, store } = await testApp(t)
  const res = await app.inject({ method: 'POST', url: FEEDBACK_URL, payload: { feedback: [{ card: 'c-1', outcome: 'overridden', overrideReason: { userComment: 'a\u0000b' }, outcomeTimestamp: '2026-11-29T10:00:00Z' }] } })
  t.equal(res.statusCode, 400)
  t.same(res.json().issue[0].expression, ['feedback[0]'])
  t.same(await store.feedback(), [])
})
