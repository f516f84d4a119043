// The Kubernetes manifests run authenticated, and the pod fails fast until the operator fills in
// the issuer: the ConfigMap's settings are loaded through the service's own config schema.

import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { loadConfig } from '../src/config.js'

const DIR = new URL('../deploy/kubernetes/', import.meta.url)
const settings = parse(readFileSync(new URL('configmap-settings.yaml', DIR), 'utf8')).data as Record<string, string>

await t.test('deploy/kubernetes runs AUTH_MODE=jwt and refuses to start without a trusted issuer', async (t) => {
  t.equal(settings.AUTH_MODE, 'jwt')
  t.throws(() => loadConfig(settings), /AUTH_MODE=jwt needs at least one issuer/, 'the placeholder is empty: the pod fails at start')
  const filled = { ...settings, TRUSTED_ISSUERS: '{"https://ehr.example.org":"https://ehr.example.org/.well-known/jwks.json"}' }
  t.equal(loadConfig(filled).AUTH_MODE, 'jwt', 'once filled in, the settings load')
  const deployment = readFileSync(new URL('deployment.yaml', DIR), 'utf8')
  t.match(deployment, /name: ADMIN_TOKEN\s+valueFrom:\s+secretKeyRef:/, 'the admin token comes from a Secret, not the ConfigMap')
  t.notOk('ADMIN_TOKEN' in settings)
})
