#!/usr/bin/env node
// Prints the ConfigMap facet-pt-cds-rules (JSON, which kubectl reads as YAML) from a rules
// directory: each file under a key with `/` spelled `__` (ConfigMap keys are flat); the
// Deployment's init container lays them out again under RULES_DIR.
// Usage: node deploy/kubernetes/rules-configmap.mjs [rules/] | kubectl apply -f -
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

const root = process.argv[2] ?? new URL('../../rules/', import.meta.url).pathname
const data = {}
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (name.endsWith('.json')) data[relative(root, path).split(sep).join('__')] = readFileSync(path, 'utf8')
  }
}
walk(root)
const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'facet-pt-cds-rules' }, data }
const text = JSON.stringify(configMap, null, 1)
if (Buffer.byteLength(text) > 1_000_000) { process.stderr.write('rules exceed the 1 MB ConfigMap limit; bake them into the image instead\n'); process.exit(1) }
process.stdout.write(`${text}\n`)
