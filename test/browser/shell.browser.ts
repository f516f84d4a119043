// The workbench shell in Chromium: served by the service, tabs, session line, no console error or
// CSP violation, keyboard reachable; under AUTH_MODE=jwt it asks for the admin token.
import t from 'tap'
import { closeBrowser, openWorkbench } from './harness.js'

t.teardown(closeBrowser)

await t.test('the page loads from the service with its tabs and the catalog in force', async (t) => {
  const { page, base, built, problems } = await openWorkbench(t)
  const res = await page.goto(`${base}/workbench`)
  t.equal(res?.status(), 200)
  t.match(res?.headers()['content-security-policy'] ?? '', /script-src 'self'/)
  const tabs = page.getByRole('navigation', { name: 'Workbench views' }).getByRole('link')
  t.same(await tabs.allTextContents(), ['Evaluate', 'Rules', 'Impact', 'Feedback'])
  await page.getByText(`catalog ${built.catalogs.current().hash.slice(0, 12)}`).waitFor()
  await page.getByRole('link', { name: 'Feedback' }).click()
  t.equal(await page.getByRole('link', { name: 'Feedback' }).getAttribute('aria-current'), 'page')
  t.match(page.url(), /#feedback$/)
  t.same(problems, [], 'no console error, page error or CSP violation')
})

await t.test('AUTH_MODE=jwt: the page asks for the admin token', async (t) => {
  const { page, base, problems } = await openWorkbench(t, {
    config: { AUTH_MODE: 'jwt', ADMIN_TOKEN: 'admin-token-for-the-browser-test', TRUSTED_ISSUERS: JSON.stringify({ 'https://ehr.example': 'https://ehr.example/jwks' }) }
  })
  await page.goto(`${base}/workbench/`)
  const field = page.getByLabel('Admin token')
  await field.fill('admin-token-for-the-browser-test')
  await page.getByRole('button', { name: 'Use token' }).click()
  await page.getByText('admin token in use').waitFor()
  t.same(problems, [])
})
