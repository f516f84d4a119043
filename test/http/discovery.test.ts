import t from 'tap'
import { isAllowedToken, templateTokens } from '../../src/cds/prefetch-templates.js'
import { testApp } from '../helper.js'

const ALLOWED_PARAMS = new Set(['patient', 'code', 'status', 'category', '_count', '_sort', 'date', 'subject', 'encounter'])

await t.test('GET /cds-services lists the three services with spec-conformant prefetch', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({ method: 'GET', url: '/cds-services' })
  t.equal(res.statusCode, 200)
  const { services } = res.json() as { services: Array<Record<string, unknown>> }
  t.same(services.map((s) => [s.id, s.hook]).sort(), [
    ['facet-pt-order-select', 'order-select'],
    ['facet-pt-order-sign', 'order-sign'],
    ['facet-pt-patient-view', 'patient-view']
  ])
  for (const s of services) {
    t.type(s.title, 'string', `${String(s.id)} has a title`)
    t.type(s.description, 'string')
    t.type(s.usageRequirements, 'string')
    const prefetch = s.prefetch as Record<string, string>
    t.ok(Object.keys(prefetch).length >= 5, 'prefetch templates are published')
    for (const [key, template] of Object.entries(prefetch)) {
      for (const token of templateTokens(template)) t.ok(isAllowedToken(token), `${key}: token ${token} is allowed`)
      const [path, query] = template.split('?')
      t.match(path, /^[A-Z][A-Za-z]+(\/\{\{context\.patientId\}\})?$/, `${key}: read or type-level search`)
      for (const pair of (query ?? '').split('&').filter(Boolean)) {
        t.ok(ALLOWED_PARAMS.has(pair.split('=')[0] ?? ''), `${key}: search parameter ${pair.split('=')[0] ?? ''} is within the prefetch query restrictions`)
      }
    }
    t.notOk(JSON.stringify(s).includes('"covers"') || JSON.stringify(s).includes('"required"'), 'internal prefetch metadata is not published')
  }
})
