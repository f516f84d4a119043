// The committed openapi.yaml as an object for /docs. `npm run build` also writes it as JSON
// (dist/openapi.json, with the YAML's sha256), and the service takes that copy when it matches
// the YAML byte for byte: parsing 40 kB of YAML costs ~150 ms of a cold start, JSON ~1 ms.

import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

interface JsonCopy { sha256: string, document: Record<string, unknown> }

const yamlPath = (root: string): string => join(root, 'openapi.yaml')
const jsonPath = (root: string): string => join(root, 'dist', 'openapi.json')
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

/** openapi.yaml parsed, from the build's JSON copy when that copy is of this very YAML. */
export function openApiDocument (root: string): Record<string, unknown> {
  const text = readFileSync(yamlPath(root), 'utf8')
  try {
    const copy = JSON.parse(readFileSync(jsonPath(root), 'utf8')) as JsonCopy
    if (copy.sha256 === sha256(text)) return copy.document
  } catch {
    // No build yet (tsx, tests) or an unreadable copy: parse the YAML.
  }
  return parse(text) as Record<string, unknown>
}

/** Writes dist/openapi.json (run by `npm run build`). */
export function writeOpenApiJson (root: string): void {
  const text = readFileSync(yamlPath(root), 'utf8')
  const copy: JsonCopy = { sha256: sha256(text), document: parse(text) as Record<string, unknown> }
  writeFileSync(jsonPath(root), JSON.stringify(copy))
}
