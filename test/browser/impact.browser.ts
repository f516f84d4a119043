// The Impact tab in Chromium: several bundles picked at once, evaluated with the catalog in force
// and with the Rules tab's edit (an edited parameter); counts per rule/variant with deltas and the
// records that change. POST /rules/what-if is stubbed only while the service answers it 404.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { closeBrowser, openWorkbench } from './harness.js'

t.teardown(closeBrowser)

const SHOTS = process.env.SCREENSHOTS === '1'

const bundle = (id: string): Buffer => Buffer.from(JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id } }] }))
const card = (rule: string, variant?: string) => ({
  summary: `${rule} summary`, indicator: 'warning', extension: { 'org.facet-pt-cds': { rule, ...(variant === undefined ? {} : { variant }) } }
})

await t.test('impact: counts per rule in force vs edited and the records that change', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await page.setViewportSize({ width: 1280, height: 800 })
  let sent: { records: Array<{ name: string }>, parameters?: Record<string, unknown>, profile?: string } | undefined
  await page.route(/\/rules\/what-if$/, async (route) => {
    sent = route.request().postDataJSON() as typeof sent
    const real = await route.fetch()
    if (real.status() !== 404) { await route.fulfill({ response: real }); return }
    await route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({
        catalog: 'x',
        records: [
          { name: 'a.json', inForce: [card('SAFE-01', 'b')], edited: [], changed: true },
          { name: 'b.json', inForce: [card('SAFE-01', 'b')], edited: [card('SAFE-01', 'b')], changed: false },
          { name: 'c.json', inForce: [], edited: [card('PT-06')], changed: true }
        ],
        counts: [{ rule: 'SAFE-01', variant: 'b', inForce: 2, edited: 1 }, { rule: 'PT-06', inForce: 0, edited: 1 }]
      })
    })
  })
  await page.route(/\/rules\/SAFE-01$/, async (route) => {
    const real = await route.fetch()
    if (real.status() !== 404) { await route.fulfill({ response: real }); return }
    const rule = JSON.parse(readFileSync('rules/safety/SAFE-01.rule.json', 'utf8')) as unknown
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ id: 'SAFE-01', file: 'safety/SAFE-01.rule.json', rule, cases: null, results: [] }) })
  })
  // the edit comes from the Rules tab: a parameter value changed there
  await page.goto(`${base}/workbench/#rules`)
  await page.locator('button[data-rule="SAFE-01"]').click()
  await page.getByLabel('INR_MAX').fill('2')
  await page.getByLabel('INR_MAX').press('Tab')
  await page.getByRole('link', { name: 'Impact' }).click()
  await page.getByText('Edit of SAFE-01: rule unchanged; INR_MAX = 2.').waitFor()
  // hook and now left as they are (auto, server clock): not sent; the profile picked is
  const session = await (await fetch(`${base}/workbench/session`)).json() as { profile: string, profiles: string[] }
  t.equal(await page.getByLabel('Hook', { exact: true }).inputValue(), '', 'hook: auto')
  t.equal(await page.getByLabel('Evidence profile').inputValue(), session.profile, 'the default profile is preselected')
  const profile = session.profiles[session.profiles.length - 1] ?? ''
  await page.getByLabel('Evidence profile').focus()
  await page.getByLabel('Evidence profile').selectOption(profile)
  await page.getByLabel('Bundles or hook requests').setInputFiles(['a', 'b', 'c'].map((n) => ({ name: `${n}.json`, mimeType: 'application/json', buffer: bundle(n) })))
  await page.getByRole('button', { name: 'Compare' }).click()
  const table = page.locator('table.impact-counts')
  await table.waitFor()
  t.same(sent?.records.map((r) => r.name), ['a.json', 'b.json', 'c.json'])
  t.same(sent?.parameters, { INR_MAX: 2 })
  t.equal(sent?.profile, profile)
  t.notOk(sent !== undefined && ('hook' in sent || 'now' in sent), 'hook and now not set: not sent')
  if (SHOTS) await page.screenshot({ path: 'docs/workbench/impact.png' })
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)))
  if (rows.length === 2 && rows[0]?.[0] === 'SAFE-01' && rows[0][1] === 'b' && rows[0][2] === '2') {
    t.same(rows, [['SAFE-01', 'b', '2', '1', '-1'], ['PT-06', '', '0', '1', '+1']])
    const changed = page.getByRole('region', { name: 'Records that change' })
    t.match(await changed.locator('h3').textContent(), /2 of 3/)
    t.same(await changed.locator(':scope > ul > li > strong').allTextContents(), ['a.json', 'c.json'])
    t.match(await changed.locator('.wi-removed').first().textContent(), /removed: SAFE-01\/b · warning/)
  } else {
    t.ok(rows.every((r) => Number(r[4]) === Number(r[3]) - Number(r[2])), 'each delta is edited − in force')
  }
  t.same(problems, [])
})
