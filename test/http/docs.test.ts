// /docs serves the committed openapi.yaml in Swagger UI, and the examples in it are what the
// service really answers for the fixture they were taken from.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { testApp } from '../helper.js'

await t.test('/docs serves the committed spec; examples match real answers', async (t) => {
  const { app } = await testApp(t)
  const spec = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8'))
  const ui = await app.inject({ method: 'GET', url: '/docs' })
  t.equal(ui.statusCode, 200)
  t.match(ui.headers['content-type'], /text\/html/)
  const served = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  t.same(Object.keys(served.paths).sort(), Object.keys(spec.paths).sort(), 'the static file, not a generated spec')

  const op = spec.paths['/evaluate'].post
  const bundle = op.requestBody.content['application/fhir+json'].example
  const res = await app.inject({ method: 'POST', url: '/evaluate?explain=true', payload: bundle })
  const example = op.responses['200'].content['application/json'].example
  t.same(res.json().cards[0], example.cards[0], 'the 200 example is the real first card of the example bundle')
  const real = new Map(res.json().explain.variants.map((v: { key: string }) => [v.key, v]))
  for (const v of example.explain.variants) t.same(real.get(v.key), v, `explain example ${v.key as string} is real`)
  const twoPatients = op.responses['400'].content['application/fhir+json'].example
  t.equal(twoPatients.resourceType, 'OperationOutcome')
  t.equal(twoPatients.issue.length, 2)
})
