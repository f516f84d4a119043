// `replay <hook-request.json>`: a captured request answered offline as the hook route answers it
// (same cards, same JSON), notes on prefetch the live service would have fetched, arrays, and
// located messages for bad input.

import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { FIXTURES, NOW, runCli, tempDir, testApp } from '../helper.js'

const run = runCli

const ORDER = `${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`
const VIEW = `${FIXTURES}requests/patient-view-rfa-30-days-no-pt.json`
const AT = ['--now', NOW.toISOString()]
const read = (file: string): Record<string, any> => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>
const noUuids = (response: any): unknown => JSON.parse(JSON.stringify(response).replace(/"uuid":"[^"]*"/g, '"uuid":"-"'))

await t.test('replay --json answers exactly what the hook route answers', async (t) => {
  const { app } = await testApp(t)
  for (const [file, service] of [[ORDER, 'facet-pt-order-select'], [VIEW, 'facet-pt-patient-view']] as const) {
    const live = await app.inject({ method: 'POST', url: `/cds-services/${service}`, payload: read(file) })
    t.equal(live.statusCode, 200)
    const replay = await run('replay', file, ...AT, '--json')
    t.equal(replay.code, 0, replay.err)
    t.ok(JSON.parse(live.body).cards.length > 0, `${service} answers cards`)
    t.same(noUuids(JSON.parse(replay.out)), noUuids(JSON.parse(live.body)), `${service}: same response`)
  }
})

await t.test('replay prints cards as evaluate does, with the explanation on demand', async (t) => {
  const table = await run('replay', ORDER, ...AT)
  t.equal(table.code, 0)
  t.match(table.out, /^INDICATOR\s+RULE\s+SUMMARY\n/)
  t.match(table.out, /info\s+SAFE-01\/a-low\s+Patient on apixaban/)
  t.notMatch(table.out, /note:/, 'a complete capture needs no note')
  const explained = await run('replay', ORDER, ...AT, '--explain')
  t.match(explained.out, /order-select \(facet-pt-order-select\) · profile medicare_lcd · now 2026-11-29T10:00:00.000Z/)
  t.match(explained.out, /● SAFE-01\/a-low\s+fired/)
})

await t.test('replay names the prefetch the live service would have fetched, and the rules left unjudged', async (t) => {
  const dir = tempDir(t)
  const order = read(ORDER)
  delete order.prefetch.medications
  delete order.prefetch.medicationStatements
  writeFileSync(join(dir, 'partial.json'), JSON.stringify(order))
  const r = await run('replay', join(dir, 'partial.json'), ...AT)
  t.equal(r.code, 0, r.err)
  t.match(r.out, /note: prefetch not in the capture: medications, medicationStatements — the live service would fetch them from https:\/\/ehr\.example\/fhir \(a replay never does\): replayed as data unavailable/)
  t.match(r.out, /note: \d+ rule\(s\) could not be judged \(data unavailable\): .*SAFE-01\/a-low \(MedicationRequest\)/)
  t.match(r.out, /SUIT-04\/a \(MedicationRequest, MedicationStatement\)/)
  t.match(r.out, /warning\s+DATA-UNAVAILABLE\s+Some checks could not run: MedicationRequest, MedicationStatement/, 'as the live service says')
  t.notMatch(r.out, /SAFE-01\/a-low\s+Patient on apixaban/, 'without the medications the anticoagulant card cannot fire')

  const view = read(VIEW)
  delete view.prefetch.procedures
  writeFileSync(join(dir, 'view.json'), JSON.stringify(view))
  const v = await run('replay', join(dir, 'view.json'), ...AT, '--json')
  t.equal(v.code, 0)
  t.same(Object.keys(JSON.parse(v.out)), ['cards'], 'stdout holds only the response')
  t.match(v.err, /view\.json: note: prefetch not in the capture: procedures — the capture names no fhirServer/)

  delete order.prefetch.patient
  writeFileSync(join(dir, 'no-patient.json'), JSON.stringify(order))
  const required = await run('replay', join(dir, 'no-patient.json'), ...AT)
  t.equal(required.code, 1)
  t.match(required.err, /no-patient\.json: required prefetch not captured: prefetch\.patient\n {2}at prefetch\.patient: prefetch\.patient is not in the capture; the live service would fetch it from https:\/\/ehr\.example\/fhir/)
})

await t.test('replay takes a JSON array and replays each request', async (t) => {
  const dir = tempDir(t)
  const broken = read(VIEW)
  broken.prefetch.patient = 'Patient/1'
  writeFileSync(join(dir, 'many.json'), JSON.stringify([read(ORDER), read(VIEW), broken]))
  const r = await run('replay', join(dir, 'many.json'), ...AT)
  t.equal(r.code, 1, 'one bad request fails the run')
  t.match(r.out, /== \[0\]: order-select d1577c69-[^\n]* → facet-pt-order-select\nINDICATOR/)
  t.match(r.out, /\n\n== \[1\]: patient-view [^\n]* → facet-pt-patient-view\nINDICATOR(.|\n)*PT-02\/a/)
  t.match(r.err, /many\.json\[2\]: prefetch is malformed\n {2}at prefetch\.patient: prefetch\.patient must be a FHIR resource, a Bundle or null/)
  const json = await run('replay', join(dir, 'many.json'), ...AT, '--json')
  const responses = JSON.parse(json.out)
  t.equal(responses.length, 3)
  t.ok(responses[0].cards.length > 0)
  t.equal(responses[2], null, 'the failed request has no response')
})

await t.test('replay: bad input is a located message, never a stack trace', async (t) => {
  const dir = tempDir(t)
  const order = read(ORDER)
  const noDrafts = { ...order, context: { ...order.context, draftOrders: { resourceType: 'Patient' } } }
  writeFileSync(join(dir, 'drafts.json'), JSON.stringify(noDrafts))
  writeFileSync(join(dir, 'instance.json'), JSON.stringify({ ...order, hookInstance: 7 }))
  writeFileSync(join(dir, 'hook.json'), JSON.stringify({ ...order, hook: 'encounter-start' }))
  writeFileSync(join(dir, 'broken.json'), '{"hook":')
  writeFileSync(join(dir, 'empty.json'), '[]')
  const cases: Array<[string[], number, RegExp]> = [
    [['replay', join(dir, 'drafts.json')], 1, /drafts\.json: context\.draftOrders must be a FHIR Bundle\n {2}at context\.draftOrders: /],
    [['replay', join(dir, 'instance.json')], 1, /instance\.json: not a valid CDS Hooks request\n {2}at hookInstance: hookInstance must be string/],
    [['replay', join(dir, 'hook.json')], 1, /at hook: hook must be one of order-select/],
    [['replay', join(dir, 'broken.json')], 1, /broken\.json: not valid JSON/],
    [['replay', join(dir, 'empty.json')], 1, /empty array holds no request/],
    [['replay', join(dir, 'missing.json')], 1, /missing\.json: no such file/],
    [['replay', ORDER, '--service', 'nope'], 1, /at id: unknown service "nope"/],
    [['replay', ORDER, '--service', 'facet-pt-patient-view'], 1, /at hook: hook must be "patient-view"/],
    [['replay', ORDER, '--hook', 'order-select'], 2, /replay takes the hook from the request/],
    [['replay'], 2, /replay takes exactly one hook request file/]
  ]
  for (const [argv, code, message] of cases) {
    const r = await run(...argv)
    t.equal(r.code, code, argv.join(' '))
    t.match(r.err, message, argv.join(' '))
    t.notMatch(r.err, /\n\s+at .*\.ts:\d+/, 'no stack trace')
  }
})

await t.test('corpus replays hook requests beside bundles and counts them apart', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'a.json'), JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'a' } }] }))
  writeFileSync(join(dir, 'order.json'), JSON.stringify(read(ORDER)))
  const partial = read(VIEW)
  delete partial.prefetch.procedures
  writeFileSync(join(dir, 'captured.json'), JSON.stringify([read(VIEW), partial]))
  writeFileSync(join(dir, 'bad-request.json'), JSON.stringify({ ...read(VIEW), context: { patientId: 'x' } }))
  const plain = await run('corpus', dir, ...AT)
  t.equal(plain.code, 0, 'a rejected request is not an error')
  t.match(plain.out, /^1 bundle\(s\) in .*: 1 evaluated, 0 rejected \(not a single-patient record\); 4 hook request\(s\): 3 replayed, 1 rejected, 0 error\(s\)/)
  t.match(plain.out, /SAFE-01\/a-low\s+1\s+1/)
  t.match(plain.out, /rejected hook requests:\n {2}bad-request\.json: context\.userId is required for patient-view/)
  t.match(plain.out, /without prefetch the live service would have fetched \(data unavailable\):\n {2}captured\.json\[1\]: procedures/)
  const report = JSON.parse((await run('corpus', dir, ...AT, '--json')).out)
  t.match(report, { bundles: 1, evaluated: 1, requests: 4, replayed: 3, incomplete: [{ file: 'captured.json[1]', absentKeys: ['procedures'] }] })
  t.same(report.rejected.map((x: any) => [x.file, x.kind]), [['bad-request.json', 'request']])
  // The cards of each request are the replay's: same counts as `replay --json` gives.
  const single = JSON.parse((await run('replay', join(dir, 'captured.json'), ...AT, '--json')).out)
  const pt02 = single.flatMap((r: any) => r.cards).filter((c: any) => c.extension['org.facet-pt-cds'].rule === 'PT-02').length
  t.equal(report.cards['PT-02/a'], pt02)
})
