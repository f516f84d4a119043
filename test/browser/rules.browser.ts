// The Rules tab in Chromium: open a rule and see its cases' results, edit it, Validate shows the
// service's problem on its line, completion offers schema members, what-if with an edited
// parameter shows the two catalogs side by side. GET /rules/{id} and POST /rules/what-if are
// stubbed only while the service answers them 404 (the stub is what their contract says).
import { readFileSync } from 'node:fs'
import type { Page, Route } from 'playwright-core'
import t from 'tap'
import { closeBrowser, openWorkbench } from './harness.js'

t.teardown(closeBrowser)

const SHOTS = process.env.SCREENSHOTS === '1'

const RULE = JSON.parse(readFileSync('rules/pt-follow-up/PT-06.rule.json', 'utf8')) as Record<string, unknown>
const CASES = JSON.parse(readFileSync('rules/pt-follow-up/PT-06.cases.json', 'utf8')) as { cases: Array<{ name: string }> }

/** Answers with `stub` when the service has no such route yet (404); otherwise passes the real answer. */
async function orStub (page: Page, url: RegExp, stub: (route: Route) => unknown): Promise<void> {
  await page.route(url, async (route) => {
    const real = await route.fetch()
    if (real.status() !== 404) { await route.fulfill({ response: real }); return }
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(stub(route)) })
  })
}

async function openPt06 (page: Page, base: string): Promise<void> {
  await orStub(page, /\/rules\/PT-06$/, () => ({
    id: 'PT-06',
    file: 'pt-follow-up/PT-06.rule.json',
    rule: RULE,
    cases: CASES,
    results: CASES.cases.map((c, i) => ({ name: c.name, passed: i !== 1, ...(i === 1 ? { message: 'expected a card' } : {}) }))
  }))
  await page.goto(`${base}/workbench/#rules`)
  await page.getByLabel('Filter rules').fill('PT-06')
  await page.locator('button[data-rule="PT-06"]').click()
  await page.getByRole('heading', { name: /PT-06 · Home exercise/ }).waitFor()
}

await t.test('a rule opens with its JSON, its cases and their last result, and its parameters', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await openPt06(page, base)
  // The service's own answer (GET /rules/{id} runs the cases of the catalog in force).
  const detail = await (await fetch(`${base}/rules/PT-06`)).json() as { results: Array<{ name: string, passed: boolean }> }
  t.equal(detail.results.length, CASES.cases.length)
  const cases = page.getByRole('region', { name: 'Cases' }).locator('li')
  await cases.first().waitFor()
  t.equal(await cases.count(), detail.results.length)
  for (const [i, r] of detail.results.entries()) {
    t.match(await cases.nth(i).textContent(), new RegExp(`^${r.passed ? 'pass' : 'fail'}`), r.name)
  }
  t.match(await page.locator('#rule-editor .cm-content').textContent(), /"id": "PT-06"/)
  t.equal(await page.locator('#rule-editor .cm-content').getAttribute('contenteditable'), 'false', 'read-only until Edit')
  t.equal(await page.getByLabel('PT_EPISODE_END_WINDOW_DAYS').inputValue(), '30')
  t.same(problems, [])
})

await t.test('a bad operator typed in the editor: Validate shows the problem on its line', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await page.setViewportSize({ width: 1280, height: 900 })
  await openPt06(page, base)
  await page.getByRole('button', { name: 'Edit rule' }).click()
  const text = `${JSON.stringify({ ...RULE, $schema: undefined }, null, 2)}\n`.replace('"operator": "equal"', '"operator": "equalz"')
  const line = text.split('\n').findIndex((l) => l.includes('equalz')) + 1
  await page.keyboard.press('Control+a')
  await page.keyboard.insertText(text)
  await page.getByRole('button', { name: 'Validate and run cases' }).click()
  const listed = page.locator('.problem-list li').filter({ hasText: 'operator' })
  await listed.first().waitFor()
  t.match(await listed.first().textContent(), new RegExp(`^line ${line}: `))
  const marked = page.locator('#rule-editor .cm-lintRange-error')
  await marked.first().waitFor()
  t.match(await marked.first().textContent(), /equalz/)
  // the lint gutter marks that line
  const marker = await page.locator('#rule-editor .cm-gutter-lint .cm-lint-marker-error').first().boundingBox()
  const number = await page.locator('#rule-editor .cm-lineNumbers .cm-gutterElement', { hasText: new RegExp(`^${line}$`) }).boundingBox()
  const middle = (b: { y: number, height: number }): number => b.y + b.height / 2
  t.ok(marker !== null && number !== null && Math.abs(middle(marker) - middle(number)) < number.height / 2,
    `the lint gutter marks line ${line}`)
  if (SHOTS) {
    await page.locator('#rule-editor .cm-lintRange-error').first().scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'docs/workbench/rules-validate.png' })
  }
  t.same(problems, [])
})

await t.test('completion offers the members the schema allows', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await openPt06(page, base)
  await page.getByRole('button', { name: 'Edit rule' }).click()
  await page.keyboard.press('Control+Home')
  await page.keyboard.press('End')
  await page.keyboard.press('Enter')
  await page.keyboard.press('Control+Space')
  const options = page.locator('.cm-tooltip-autocomplete li')
  await options.first().waitFor()
  const labels = await options.allTextContents()
  t.ok(labels.some((l) => l.includes('"variants"')), 'a rule member is offered')
  await page.keyboard.press('Escape')
  await page.keyboard.press('Tab')
  t.not(await page.evaluate('document.activeElement?.className'), 'editor-host', 'Tab leaves the editor')
  t.same(problems, [])
})

await t.test('what-if with an edited parameter shows in force and edited side by side', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await page.setViewportSize({ width: 1280, height: 900 })
  let sent: unknown
  await page.route(/\/rules\/what-if$/, async (route) => {
    sent = route.request().postDataJSON()
    const real = await route.fetch()
    if (real.status() !== 404) { await route.fulfill({ response: real }); return }
    const card = { summary: 'PT episode ended with no home exercise programme documented', indicator: 'info', extension: { 'org.facet-pt-cds': { rule: 'PT-06' } } }
    await route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ catalog: 'x', records: [{ name: 'discharge-40d.json', inForce: [], edited: [card], changed: true }], counts: [{ rule: 'PT-06', inForce: 0, edited: 1 }] })
    })
  })
  await openPt06(page, base)
  await page.getByLabel('PT_EPISODE_END_WINDOW_DAYS').fill('60')
  await page.getByLabel('PT_EPISODE_END_WINDOW_DAYS').press('Tab')
  const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', id: 'p1' } }] }
  // the evaluation settings are sent with the records (hook, now, evidence profile)
  const session = await (await fetch(`${base}/workbench/session`)).json() as { profiles: string[] }
  const profile = session.profiles[session.profiles.length - 1] ?? ''
  await page.getByLabel('Hook', { exact: true }).selectOption('order-sign')
  await page.getByLabel('Now (local time; empty: server clock)').fill('2026-11-29T10:00')
  await page.getByLabel('Evidence profile').selectOption(profile)
  const now = await page.evaluate(() => new Date('2026-11-29T10:00').toISOString())
  await page.getByLabel('Records for what-if').setInputFiles({ name: 'discharge-40d.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bundle)) })
  await page.getByRole('button', { name: 'What-if', exact: true }).click()
  const result = page.getByRole('region', { name: 'What-if result' })
  await result.waitFor()
  t.same(sent, {
    records: [{ name: 'discharge-40d.json', input: bundle }],
    parameters: { PT_EPISODE_END_WINDOW_DAYS: 60 },
    hook: 'order-sign',
    now,
    profile
  })
  t.same(await result.locator('h5').allTextContents(), ['In force', 'Edited'])
  t.match(await result.locator('.wi-record h4').first().textContent(), /discharge-40d\.json/)
  if ((await result.locator('.wi-added').count()) > 0) t.match(await result.locator('.wi-added').first().textContent(), /added: .*PT-06/)
  if (SHOTS) {
    await result.scrollIntoViewIfNeeded()
    await page.screenshot({ path: 'docs/workbench/rules-whatif.png' })
  }
  t.same(problems, [])
})
