// /docs takes the build's JSON copy of openapi.yaml only when it is a copy of this very YAML.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { openApiDocument, writeOpenApiJson } from '../src/openapi-document.js'

const YAML = 'openapi: 3.0.3\ninfo:\n  title: facet-pt-cds\n  version: "1"\npaths: {}\n'

await t.test('no build copy: the YAML is parsed', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'oa-'))
  t.teardown(() => { rmSync(root, { recursive: true, force: true }) })
  writeFileSync(join(root, 'openapi.yaml'), YAML)
  t.same(openApiDocument(root), { openapi: '3.0.3', info: { title: 'facet-pt-cds', version: '1' }, paths: {} })
})

await t.test('a matching copy is used; a stale one is ignored', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'oa-'))
  t.teardown(() => { rmSync(root, { recursive: true, force: true }) })
  mkdirSync(join(root, 'dist'))
  writeFileSync(join(root, 'openapi.yaml'), YAML)
  writeOpenApiJson(root)
  const copy = JSON.parse(readFileSync(join(root, 'dist', 'openapi.json'), 'utf8')) as { sha256: string, document: Record<string, unknown> }
  t.same(copy.document, openApiDocument(root))
  // Mark the copy: the marker shows which one was served.
  writeFileSync(join(root, 'dist', 'openapi.json'), JSON.stringify({ ...copy, document: { ...copy.document, 'x-from': 'copy' } }))
  t.equal(openApiDocument(root)['x-from'], 'copy', 'the copy of the same YAML')
  writeFileSync(join(root, 'openapi.yaml'), YAML.replace('title: facet-pt-cds', 'title: edited'))
  const fresh = openApiDocument(root)
  t.equal(fresh['x-from'], undefined, 'the YAML changed since the build: parsed again')
  t.match(fresh, { info: { title: 'edited' } })
  writeFileSync(join(root, 'dist', 'openapi.json'), '{not json')
  t.match(openApiDocument(root), { info: { title: 'edited' } }, 'an unreadable copy is ignored')
})
