// The Evaluate tab in Chromium: upload a Bundle through the file input and see the cards as an EHR shows
// them (indicator, summary, rule id), why a card fired, why a rule did not, the parameters in force; a broken
// Bundle's error located; the paste path; no console error or CSP violation, nothing stored by the page.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { FIXTURES } from '../helper.js'
import { closeBrowser, openWorkbench } from './harness.js'

t.teardown(closeBrowser)

const BUNDLE = `${FIXTURES}bundles/transaction-urn-uuid-contained.json`
const BROKEN = `${FIXTURES}workbench/broken-bundle.json`
const SHOTS = process.env.SCREENSHOTS === '1'

await t.test('a Bundle uploaded by file input: cards, why fired, why not, parameters', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(`${base}/workbench/#evaluate`)
  await page.getByLabel('Bundle or CDS Hooks request files (.json)').setInputFiles(BUNDLE)
  await page.getByText('1 record(s) loaded (in this tab only).').waitFor()
  t.match(await page.getByLabel('Record').inputValue(), '0')
  await page.getByLabel('Now (local time; empty: server clock)').fill('2026-11-29T10:00')
  await page.getByRole('button', { name: 'Evaluate' }).click()

  const safe = page.locator('.card-row[data-rule="SAFE-01/a-high"]')
  await safe.waitFor()
  const card = safe.locator('article.cds-card')
  t.equal(await card.locator('.indicator').textContent(), 'Warning', 'indicator as a label, not colour alone')
  t.match(await card.locator('.card-summary').textContent(), /Patient on apixaban/)
  t.equal(await card.locator('.rule-badge').textContent(), 'SAFE-01/a-high')
  t.equal(await card.locator('.card-detail strong').first().textContent(), 'Why this card:', 'detail rendered as Markdown')
  t.equal(await card.locator('.card-source a').getAttribute('href'), 'https://rapm.bmj.com/content/43/3/225')
  t.ok(await card.getByLabel('Override reason').isVisible(), 'override reasons as a labelled select')

  const pt = page.locator('.card-row[data-rule="SUIT-04/a"] article')
  t.match(await pt.locator('.actions').first().textContent(), /create\s*ServiceRequest — Draft referral to physiotherapy/)

  const why = safe.getByRole('complementary', { name: 'Why SAFE-01/a-high fired' })
  const first = why.locator('tbody tr').first()
  t.match(await first.textContent(), /antithrombotics.*\$\.found.*true.*=.*true.*✓ true/)

  const notApplicable = page.locator('.not-fired li[data-key="SUIT-11/c"]')
  t.equal(await notApplicable.getAttribute('data-outcome'), 'not-applicable')
  t.match(await notApplicable.locator('.why-not').textContent(), /^Not applicable/)
  const failed = page.locator('.not-fired li[data-key="SUIT-12"] .why-not')
  t.match(await failed.textContent(), /Failed condition: orderIntent \$\.type is "diagnostic", needs in \["therapeutic","rfa"\]/)

  const param = page.locator('table.parameters tr', { hasText: 'PAIN_SCORE_LOOKBACK_DAYS' }).first()
  t.match(await param.textContent(), /SUIT-01.*PAIN_SCORE_LOOKBACK_DAYS.*30.*d.*Medicare LCD: pain and disability scales.*V/)
  if (SHOTS) await page.screenshot({ path: 'docs/workbench/evaluate.png', fullPage: false })
  if (SHOTS) await safe.screenshot({ path: 'docs/workbench/evaluate-card-explain.png' })

  t.same(await page.evaluate('[localStorage.length, sessionStorage.length, document.cookie]'), [0, 0, ''], 'nothing stored')
  t.equal(await page.evaluate('indexedDB.databases().then((d) => d.length)'), 0, 'no IndexedDB')
  t.same(problems, [], 'no console error, page error or CSP violation')
})

await t.test('a broken Bundle: the error located, announced as an alert', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await page.goto(`${base}/workbench/`)
  await page.getByLabel('Bundle or CDS Hooks request files (.json)').setInputFiles([BROKEN, BUNDLE])
  await page.getByText('2 record(s) loaded (in this tab only).').waitFor()
  t.match(await page.getByLabel('Record').locator('option').allTextContents(), ['broken-bundle.json — Bundle', 'transaction-urn-uuid-contained.json — Bundle'])
  await page.getByRole('button', { name: 'Evaluate' }).click()
  const alert = page.getByRole('alert')
  await alert.waitFor()
  t.match(await alert.locator('.expression').first().textContent(), 'Bundle.entry[2].resource')
  t.same(problems.filter((p) => !p.includes('400')), [], 'only the 400 of the refused input is logged')
})

await t.test('pasted JSON: a Bundle evaluates; text that is not JSON says where', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await page.goto(`${base}/workbench/`)
  const paste = page.getByLabel('Or paste a Bundle or hook request')
  await paste.fill('{"resourceType": "Bundle",\n  "type": collection }')
  await page.getByRole('button', { name: 'Load pasted JSON' }).click()
  t.match(await page.getByRole('alert').textContent(), /pasted: not JSON at line 2, column 11/)
  await paste.fill(readFileSync(BUNDLE, 'utf8'))
  await page.getByRole('button', { name: 'Load pasted JSON' }).click()
  await page.getByText('1 record(s) loaded (in this tab only).').waitFor()
  t.match(await page.getByLabel('Record').locator('option').allTextContents(), ['pasted — Bundle'])
  await page.getByRole('button', { name: 'Evaluate' }).click()
  await page.locator('.card-row[data-rule="SUIT-01"]').waitFor()
  t.ok(await page.locator('.card-row').count() >= 3)
  t.same(problems, [])
})

await t.test('keyboard: the controls are reachable and the evaluation runs from the keyboard', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await page.goto(`${base}/workbench/`)
  await page.getByLabel('Bundle or CDS Hooks request files (.json)').setInputFiles(BUNDLE)
  await page.getByText('1 record(s) loaded (in this tab only).').waitFor()
  await page.getByLabel('Evidence profile').focus()
  await page.keyboard.press('Tab')
  t.equal(await page.evaluate('document.activeElement.id'), 'eval-run')
  await page.keyboard.press('Enter')
  await page.locator('.card-row').first().waitFor()
  for (const id of ['eval-files', 'eval-paste', 'eval-record', 'eval-hook', 'eval-now', 'eval-profile']) {
    t.equal(await page.locator(`label[for="${id}"]`).count(), 1, `${id} is labelled`)
  }
  t.same(problems, [])
})

await t.test('files dropped on the drop zone load; a captured hook request is recognised as one', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await page.goto(`${base}/workbench/`)
  const request = readFileSync(`${FIXTURES}requests/patient-view-rfa-30-days-no-pt.json`, 'utf8')
  const dataTransfer = await page.evaluateHandle(`(() => {
    const d = new DataTransfer()
    d.items.add(new File([${JSON.stringify(request)}], 'captured.json', { type: 'application/json' }))
    d.items.add(new File([${JSON.stringify(readFileSync(BUNDLE, 'utf8'))}], 'bundle.json', { type: 'application/json' }))
    return d
  })()`)
  await page.locator('.drop-zone').dispatchEvent('drop', { dataTransfer })
  await page.getByText('2 record(s) loaded (in this tab only).').waitFor()
  t.same(await page.getByLabel('Record').locator('option').allTextContents(), ['captured.json — patient-view request', 'bundle.json — Bundle'])
  await page.getByLabel('Record').selectOption({ label: 'bundle.json — Bundle' })
  await page.getByRole('button', { name: 'Evaluate' }).click()
  await page.locator('.card-row[data-rule="SAFE-01/a-high"]').waitFor()
  t.same(problems, [])
})
