// End-to-end scenarios over HTTP: each fixtures/scenarios/*.json is a full CDS Hooks request for a
// realistic patient; posted with the scenario's clock and profile, it must yield exactly its card set.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { FIXTURES, RULES_DIR, testApp } from './helper.js'
import { expandDates } from '../src/authoring/case-runner.js'
import type { Card } from '../src/cds/types.js'

interface Scenario {
  name: string
  description: string
  service: string
  now: string
  profile?: string
  request: { hook: string, hookInstance: string, context: Record<string, unknown>, prefetch: Record<string, unknown> }
  expectCards: string[]
}

const DIR = join(FIXTURES, 'scenarios')
const SERVICES = (JSON.parse(readFileSync(join(RULES_DIR, 'services.json'), 'utf8')) as { services: Array<{ id: string, hook: string, prefetch: Record<string, unknown> }> }).services
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()

const cardKey = (c: Card): string => {
  const ext = c.extension['org.facet-pt-cds']
  return ext.variant === undefined ? ext.rule : `${ext.rule}/${ext.variant}`
}

await t.test('there are scenarios for every hook, including no-card and multi-card records', async (t) => {
  const all = files.map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Scenario)
  t.ok(all.length >= 8, `${all.length} scenarios`)
  for (const s of SERVICES) t.ok(all.some((x) => x.service === s.id), `a scenario for ${s.id}`)
  t.ok(all.some((x) => x.expectCards.length === 0), 'a clean record expecting no cards')
  t.ok(all.filter((x) => new Set(x.expectCards.map((k) => k.split('/')[0])).size >= 3).length >= 3, 'several records trigger 3+ rules')
})

for (const file of files) {
  const s = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Scenario
  await t.test(`${s.name}: ${s.expectCards.join(', ') || 'no cards'}`, async (t) => {
    t.equal(`${s.name}.json`, file, 'name matches the file')
    t.ok(s.description.length > 200, 'the clinical story is told')
    t.same([...s.expectCards].sort(), s.expectCards, 'expectCards is sorted')
    const service = SERVICES.find((x) => x.id === s.service)
    if (service === undefined) { t.fail(`unknown service ${s.service}`); return }
    t.equal(s.request.hook, service.hook, 'hook matches the service')
    const missing = Object.keys(service.prefetch).filter((k) => !(k in s.request.prefetch))
    t.same(missing, [], 'a FULL request: every prefetch key of the service is sent')

    const now = new Date(s.now)
    const { app } = await testApp(t, {
      now,
      ...(s.profile === undefined ? {} : { config: { EVIDENCE_PROFILE: s.profile } })
    })
    const res = await app.inject({ method: 'POST', url: `/cds-services/${s.service}`, payload: expandDates(structuredClone(s.request), now) })
    t.equal(res.statusCode, 200, res.statusCode === 200 ? 'status 200' : res.body)
    const cards = (res.json() as { cards: Card[] }).cards
    t.same(cards.map(cardKey).sort(), s.expectCards, 'exactly the expected cards')
    for (const c of cards) {
      const key = cardKey(c)
      t.match(c.uuid, UUID, `${key}: uuid`)
      t.ok(c.summary.length > 0 && c.summary.length < 140, `${key}: summary under 140 characters`)
      t.ok(['info', 'warning', 'critical'].includes(c.indicator), `${key}: indicator`)
      t.equal(c.source.topic?.code, c.extension['org.facet-pt-cds'].rule, `${key}: source.topic.code is the rule id`)
      t.ok(c.source.label.length > 0, `${key}: source.label`)
    }
    t.equal(new Set(cards.map((c) => c.uuid)).size, cards.length, 'card uuids are distinct')
  })
}
