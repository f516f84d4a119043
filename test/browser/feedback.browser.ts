// The Feedback tab in Chromium: the per-rule table from the real GET /feedback/summary after feedback posted
// through POST /cds-services/{id}/feedback, the override-rate chart (uPlot canvas) with its table alternative
// (GET /feedback/timeseries stubbed with a realistic body), and a clear message when that endpoint is absent.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { FIXTURES } from '../helper.js'
import { closeBrowser, openWorkbench } from './harness.js'

t.teardown(closeBrowser)

const ORDER_SELECT = JSON.parse(readFileSync(`${FIXTURES}requests/order-select-lumbar-diagnostic-mbb-on-apixaban.json`, 'utf8')) as Record<string, unknown>
const PATIENT_VIEW = JSON.parse(readFileSync(`${FIXTURES}requests/patient-view-rfa-30-days-no-pt.json`, 'utf8')) as Record<string, unknown>
const SHOTS = process.env.SCREENSHOTS === '1'
const BROWSER_NOW = new Date('2026-11-30T12:00:00Z')

const day = (d: number): string => new Date(Date.UTC(2026, 10, d)).toISOString()
const TIMESERIES = {
  bucket: 'day',
  since: day(1),
  series: [
    {
      rule: 'SAFE-01',
      version: '2.0.0',
      points: [
        { start: day(26), shown: 10, accepted: 6, overridden: 4, overrideRate: 0.4 },
        { start: day(27), shown: 8, accepted: 6, overridden: 2, overrideRate: 0.25 },
        { start: day(28), shown: 0, accepted: 0, overridden: 0, overrideRate: null },
        { start: day(29), shown: 12, accepted: 3, overridden: 9, overrideRate: 0.75 }
      ],
      topOverrideReasons: [{ code: 'plan-documented', display: 'Hold-or-continue plan already agreed and documented', count: 11 }, { code: 'not-taking', count: 4 }]
    },
    {
      rule: 'SUIT-01',
      version: '1.0.1',
      points: [
        { start: day(26), shown: 5, accepted: 4, overridden: 1, overrideRate: 0.2 },
        { start: day(29), shown: 4, accepted: 4, overridden: 0, overrideRate: 0 }
      ],
      topOverrideReasons: [{ code: 'documented-elsewhere', count: 1 }]
    }
  ]
}

await t.test('per rule from the real summary after feedback; the chart and its table', async (t) => {
  const { page, base, built, problems } = await openWorkbench(t)
  type IssuedCard = { uuid: string, suggestions?: Array<{ uuid: string }>, extension: { 'org.facet-pt-cds': { rule: string } } }
  const issue = async (service: string, payload: Record<string, unknown>): Promise<IssuedCard> => {
    const hook = await built.app.inject({ method: 'POST', url: `/cds-services/${service}`, payload })
    const card = (hook.json() as { cards: IssuedCard[] }).cards[0]
    if (card === undefined) throw new Error(`${service} gave no card`)
    return card
  }
  const feedback = async (service: string, entry: Record<string, unknown>): Promise<void> => {
    const res = await built.app.inject({ method: 'POST', url: `/cds-services/${service}/feedback`, payload: { feedback: [entry] } })
    t.equal(res.statusCode, 200, res.body)
  }
  const first = await issue('facet-pt-order-select', ORDER_SELECT)
  const second = await issue('facet-pt-patient-view', PATIENT_VIEW)
  t.not(first.extension['org.facet-pt-cds'].rule, second.extension['org.facet-pt-cds'].rule, 'two rules')
  await feedback('facet-pt-order-select', {
    card: first.uuid,
    outcome: 'overridden',
    outcomeTimestamp: '2026-11-29T10:01:00Z',
    overrideReason: { reason: { code: 'plan-documented', system: 'urn:facet-pt-cds:override-reason' } }
  })
  await feedback('facet-pt-patient-view', {
    card: second.uuid,
    outcome: 'accepted',
    outcomeTimestamp: '2026-11-29T10:02:00Z',
    acceptedSuggestions: [{ id: second.suggestions?.[0]?.uuid ?? 'none' }]
  })
  const requested: string[] = []
  await page.route('**/feedback/timeseries*', async (route) => {
    requested.push(route.request().url())
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(TIMESERIES) })
  })
  await page.clock.setFixedTime(BROWSER_NOW)
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(`${base}/workbench/#feedback`)

  const overridden = page.locator('table.feedback-summary tr[data-rule="' + first.extension['org.facet-pt-cds'].rule + '"]')
  await overridden.waitFor()
  t.same((await overridden.locator('th, td').allTextContents()).slice(2, 7), ['1', '0', '1', '100 %', 'plan-documented × 1'])
  const accepted = page.locator('table.feedback-summary tr[data-rule="' + second.extension['org.facet-pt-cds'].rule + '"]')
  t.same((await accepted.locator('td').allTextContents()).slice(1, 5), ['1', '1', '0', '0 %'])

  await page.locator('figure.chart canvas').waitFor()
  t.equal(await page.locator('figure.chart .u-legend').getByText('SAFE-01 v2.0.0').count(), 1, 'legend names the rule version')
  const rows = page.locator('table.timeseries tbody tr')
  t.equal(await rows.count(), 5, 'one row per bucket with cards (the empty bucket left out)')
  t.same(await rows.nth(2).locator('td').allTextContents(), ['SAFE-01', '2.0.0', '2026-11-29', '12', '3', '9', '75 %'])
  t.match(await page.locator('table.feedback-versions').textContent(), /Hold-or-continue plan already agreed and documented × 11/)
  t.match(requested[0] ?? '', /since=30d&bucket=day$/)
  if (SHOTS) await page.screenshot({ path: 'docs/workbench/feedback.png', fullPage: true })

  await page.getByLabel('Rule (chart)').selectOption('SAFE-01')
  const next = page.waitForRequest((r) => r.url().includes('/feedback/timeseries'))
  await page.getByRole('button', { name: 'Refresh' }).click()
  t.match((await next).url(), /rule=SAFE-01/)
  await page.locator('figure.chart canvas').waitFor()
  t.same(problems, [], 'no console error, page error or CSP violation')
})

await t.test('GET /feedback/timeseries answering 404: a clear message instead of the chart', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await page.route('**/feedback/timeseries*', async (route) => {
    await route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found', diagnostics: 'no route' }] }) })
  })
  await page.goto(`${base}/workbench/#feedback`)
  const alert = page.getByRole('alert')
  await alert.waitFor()
  t.match(await alert.textContent(), /not available from this service version.*404/)
  t.match(await page.locator('.feedback-box').first().textContent(), /No card has been shown/)
  t.same(problems.filter((p) => !p.includes('404')), [])
})
