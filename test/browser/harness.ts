// Browser tests (npm run test:browser, after npm run build): the built service listening on a
// loopback port, and Chromium from the Debian package (CHROMIUM_PATH, default /usr/bin/chromium;
// .ci/run installs it) driven by playwright-core. A missing browser or an unbuilt page fails the
// run: these tests never skip.

import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type Browser, type ConsoleMessage, type Page, chromium } from 'playwright-core'
import type { App } from '../../src/app.js'
import { type TestAppOptions, type TestScope, testApp } from '../helper.js'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const BUILT_WORKBENCH = fileURLToPath(new URL('../../dist/workbench/', import.meta.url))

let browser: Browser | undefined

async function sharedBrowser (): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`)
  }
  browser ??= await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] })
  return browser
}

export interface Workbench {
  page: Page
  base: string
  built: App
  /** Console errors, page errors and CSP violations seen so far (a test asserts it stays empty). */
  problems: string[]
}

/** The service on a loopback port and a fresh browser page on it; both closed when `t` ends. */
export async function openWorkbench (
  t: TestScope & { teardown: (fn: () => void | Promise<void>) => void },
  opts: TestAppOptions = {}
): Promise<Workbench> {
  if (!existsSync(`${BUILT_WORKBENCH}index.html`)) throw new Error('the workbench is not built: run npm run build')
  const built = await testApp(t, { ...opts, config: { WORKBENCH_DIR: BUILT_WORKBENCH, ...opts.config } })
  await built.app.listen({ host: '127.0.0.1', port: 0 })
  const address = built.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const context = await (await sharedBrowser()).newContext({ viewport: { width: 1440, height: 900 } })
  t.teardown(async () => { await context.close() })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m: ConsoleMessage) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`) })
  page.on('pageerror', (e) => { problems.push(`page: ${e.message}`) })
  return { page, base: `http://127.0.0.1:${address.port}`, built, problems }
}

/** Closes the shared browser (call once at the end of a test file). */
export async function closeBrowser (): Promise<void> {
  await browser?.close()
  browser = undefined
}
