// Accessibility of the workbench in Chromium: axe-core finds no serious or critical violation on
// any tab the nav lists (or on the admin token prompt), every form field has an accessible name,
// each tab fits a 1280 px laptop screen, and the keyboard reaches the skip link first, then each tab.
//
// axe-core is injected with page.evaluate (DevTools Runtime.evaluate), which the page's CSP
// (script-src 'self', no inline script) does not apply to; the page itself runs under its real CSP.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'
import t from 'tap'
import { closeBrowser, openWorkbench } from './harness.js'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

t.teardown(closeBrowser)

interface Violation {
  id: string
  impact: string
  help: string
  nodes: Array<{ target: string[], failureSummary: string }>
}

/** axe-core's serious and critical violations on the page as it is now, as readable lines. */
async function seriousViolations (page: Page): Promise<string[]> {
  if (await page.evaluate('typeof window.axe') === 'undefined') await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`) as Violation[]
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.impact} ${v.id} (${v.help}) at ${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`))
}

/** Form fields (not hidden) without an accessible name, as axe computes it. */
async function unnamedFields (page: Page): Promise<string[]> {
  if (await page.evaluate('typeof window.axe') === 'undefined') await page.evaluate(AXE_SOURCE)
  // accessibleText reads axe's virtual tree: set it up for the call, tear it down for axe.run.
  return await page.evaluate(`(() => {
    axe.setup(document)
    try {
      return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter((el) => axe.commons.text.accessibleText(el).trim() === '')
        .map((el) => el.outerHTML.slice(0, 120))
    } finally { axe.teardown() }
  })()`) as string[]
}

async function tabHrefs (page: Page): Promise<string[]> {
  const links = page.getByRole('navigation', { name: 'Workbench views' }).getByRole('link')
  await links.first().waitFor()
  return (await Promise.all((await links.all()).map(async (a) => await a.getAttribute('href')))).filter((h): h is string => h !== null)
}

await t.test('every tab: no serious or critical axe violation, every field named', async (t) => {
  const { page, base, problems } = await openWorkbench(t)
  await page.goto(`${base}/workbench/`)
  const hrefs = await tabHrefs(page)
  t.ok(hrefs.length >= 4, `the nav lists the tabs (${hrefs.join(', ')})`)
  for (const href of hrefs) {
    await page.goto(`${base}/workbench/${href}`)
    await page.locator('main > *').first().waitFor()
    await page.waitForLoadState('networkidle')
    t.same(await seriousViolations(page), [], `${href}: no serious or critical violation`)
    t.same(await unnamedFields(page), [], `${href}: every input, select and textarea has an accessible name`)
    // A 13" laptop: the page fits its width (no sideways scrolling).
    await page.setViewportSize({ width: 1280, height: 720 })
    t.ok(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), `${href}: fits 1280 px`)
    await page.setViewportSize({ width: 1440, height: 900 })
  }
  t.same(problems, [], 'no console error, page error or CSP violation')
})

await t.test('the admin token prompt (AUTH_MODE=jwt) passes too', async (t) => {
  const { page, base } = await openWorkbench(t, {
    config: { AUTH_MODE: 'jwt', ADMIN_TOKEN: 'admin-token-for-the-a11y-test', TRUSTED_ISSUERS: JSON.stringify({ 'https://ehr.example': 'https://ehr.example/jwks' }) }
  })
  await page.goto(`${base}/workbench/`)
  await page.getByLabel('Admin token').waitFor()
  t.same(await seriousViolations(page), [])
  t.same(await unnamedFields(page), [])
  // The checks can fail: a field without a label is caught by both.
  await page.evaluate('document.querySelector(\'main\').append(Object.assign(document.createElement(\'input\'), { id: \'nameless\' }))')
  t.match(await seriousViolations(page), [/^critical label .* at #nameless/])
  t.same(await unnamedFields(page), ['<input id="nameless">'])
})

await t.test('keyboard: Tab reaches the skip link, then each tab; the skip link moves focus to the content', async (t) => {
  const { page, base } = await openWorkbench(t)
  await page.goto(`${base}/workbench/`)
  const hrefs = await tabHrefs(page)
  const focused = async (): Promise<string> => await page.evaluate(`(() => {
    const el = document.activeElement
    return el === null ? '' : el.tagName.toLowerCase() + (el.getAttribute('href') === null ? '' : ' ' + el.getAttribute('href')) +
      (el.id === '' ? '' : '#' + el.id)
  })()`)
  await page.keyboard.press('Tab')
  t.equal(await focused(), 'a #main', 'first stop: the skip link')
  t.ok(await page.getByRole('link', { name: 'Skip to content' }).isVisible(), 'the skip link shows when focused')
  for (const href of hrefs) {
    await page.keyboard.press('Tab')
    t.equal(await focused(), `a ${href}`, `then the ${href} tab`)
  }
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.press('Enter')
  const opened = hrefs.at(-2) ?? ''
  await page.waitForURL(`${base}/workbench/${opened}`)
  // The shell marks the tab in its hashchange handler, just after the URL changes: wait for the mark.
  await page.locator(`nav a[href="${opened}"][aria-current="page"]`).waitFor({ timeout: 10_000 })
  t.equal(await page.locator(`nav a[href="${opened}"]`).getAttribute('aria-current'), 'page', 'Enter on a tab opens it')
  await page.goto(`${base}/workbench/`)
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  t.equal(await focused(), 'main#main', 'the skip link puts focus on the content')
})
