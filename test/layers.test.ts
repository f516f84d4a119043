// Layers read top-down: the import graph of src/ (as madge resolves it, type imports included)
// has no cycles, each domain folder imports only the layers below it, only the entry points
// reach the HTTP adapter, and only the adapter (and app.ts, which builds it) imports fastify.
// `npm run check:layers` runs this and `madge --circular`; npm test runs it with every suite.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import madge from 'madge'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))

/** What each domain layer may import (besides itself), lowest first; errors.ts is the shared leaf. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  fhir: ['errors.ts'],
  rules: ['fhir', 'errors.ts'],
  cds: ['rules', 'fhir', 'errors.ts'],
  authoring: ['cds', 'rules', 'fhir', 'errors.ts']
}
/** The only places that may import src/http/: the composition root, the entry point, the CLI. */
const HTTP_USERS = new Set(['app.ts', 'main.ts', 'cli', 'http'])
const FASTIFY_USERS = new Set(['app.ts', 'http'])

/** The top folder of a path relative to src/ (or the file itself at the top). */
const layerOf = (file: string): string => file.split('/')[0] ?? file

/** Every import that breaks a rule, as `from -> to (why)`. */
function layerViolations (graph: Readonly<Record<string, readonly string[]>>): string[] {
  const out: string[] = []
  for (const [from, deps] of Object.entries(graph)) {
    const layer = layerOf(from)
    const allowed = MAY_IMPORT[layer]
    for (const to of deps) {
      const target = layerOf(to)
      if (target === layer) continue
      if (allowed !== undefined && !allowed.includes(target)) {
        out.push(`${from} -> ${to} (${layer}/ may import ${allowed.join(', ')})`)
      }
      if (target === 'http' && !HTTP_USERS.has(layer)) {
        out.push(`${from} -> ${to} (only app.ts, main.ts and cli/ reach http/)`)
      }
    }
  }
  return out
}

await t.test('the rules catch an upward import (the checker can fail)', async (t) => {
  t.same(layerViolations({
    'rules/case-runner.ts': ['cds/evaluate.ts', 'rules/compiled.ts'],
    'fhir/fhir-client.ts': ['cds/prefetch.ts'],
    'cds/evaluate.ts': ['rules/run-rules.ts', 'fhir/record.ts', 'errors.ts'],
    'store/open.ts': ['http/logger.ts'],
    'cli/main.ts': ['http/logger.ts', 'authoring/case-runner.ts']
  }), [
    'rules/case-runner.ts -> cds/evaluate.ts (rules/ may import fhir, errors.ts)',
    'fhir/fhir-client.ts -> cds/prefetch.ts (fhir/ may import errors.ts)',
    'store/open.ts -> http/logger.ts (only app.ts, main.ts and cli/ reach http/)'
  ])
})

await t.test('src/ imports point down only, without cycles', async (t) => {
  const tree = await madge(SRC, { fileExtensions: ['ts'] })
  const graph = tree.obj() as Record<string, string[]>
  t.ok(Object.keys(graph).length > 50, 'madge resolved the source files')
  t.ok(graph['cds/evaluate.ts']?.includes('rules/run-rules.ts'), 'madge resolves the .js specifiers of .ts files')
  t.same(tree.circular(), [], 'no circular imports')
  t.same(layerViolations(graph), [], 'no upward imports')
  const fastify = Object.keys(graph).filter((file) => !FASTIFY_USERS.has(layerOf(file)) &&
    /from '(fastify|@fastify\/[^']+)'/.test(readFileSync(SRC + file, 'utf8')))
  t.same(fastify, [], 'the domain never imports fastify')
})
