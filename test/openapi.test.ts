// openapi.yaml lists exactly the served routes; test/openapi-schemas.test.ts compares their bodies member by member.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { testApp } from './helper.js'

await t.test('openapi.yaml describes exactly the routes the app serves', async (t) => {
  const spec = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')) as { paths: Record<string, Record<string, unknown>> }
  const documented = Object.entries(spec.paths)
    .flatMap(([path, ops]) => Object.keys(ops).filter((m) => m !== 'parameters').map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
    .sort()
  const { routes } = await testApp(t)
  const served = routes.map((r) => `${r.method} ${r.url}`).filter((r) => !r.startsWith('OPTIONS'))
    // /docs* are served by @fastify/swagger-ui from this very file, /workbench/* are the workbench
    // page's files (GET /workbench and /workbench/session are documented): not API operations.
    .filter((r) => !/^GET \/docs(\/|$)/.test(r) && !/^(GET|HEAD) \/workbench\/\*$/.test(r)).sort()
  t.same(served, documented)
})
