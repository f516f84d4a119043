// The inputs of `corpus <dir>`: every *.json file under the folder (a bundle or hook request(s)), and the
// *.ndjson files of a folder grouped into one collection Bundle per patient (Bulk Data export).
// Items load lazily; a file that cannot be read or parsed becomes an error item, never a crash.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { type Resource, isResource, normaliseReference, patientReferences } from '../fhir/resource.js'

export interface CorpusItem { label: string, load: () => unknown }

function walk (dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) walk(full, out)
    else out.push(full)
  }
}

/** Groups Bulk Data lines by patient: `Patient/<id>` → resources. Bad lines are reported. */
export function groupNdjson (files: string[], root: string): {
  items: CorpusItem[]
  errors: Array<{ label: string, message: string }>
} {
  const byPatient = new Map<string, Resource[]>()
  const errors: Array<{ label: string, message: string }> = []
  const orphans: Resource[] = []
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n')
    lines.forEach((line, i) => {
      if (line.trim() === '') return
      let r: unknown
      try { r = JSON.parse(line) } catch (err) { errors.push({ label: `${relative(root, file)}:${i + 1}`, message: `not valid JSON: ${(err as Error).message}` }); return }
      if (!isResource(r)) { errors.push({ label: `${relative(root, file)}:${i + 1}`, message: 'line is not a FHIR resource (no resourceType)' }); return }
      const key = r.resourceType === 'Patient' ? `Patient/${String(r.id)}` : patientReferences(r).map(normaliseReference)[0]
      if (key === undefined) { orphans.push(r); return }
      let list = byPatient.get(key)
      if (list === undefined) byPatient.set(key, list = [])
      list.push(r)
    })
  }
  const dir = relative(root, files[0] === undefined ? root : join(files[0], '..')) || '.'
  const items = [...byPatient.entries()].map(([key, resources]) => ({
    label: `${dir}/*.ndjson ${key}`,
    load: () => ({ resourceType: 'Bundle', type: 'collection', entry: resources.map((resource) => ({ resource })) })
  }))
  if (orphans.length > 0) errors.push({ label: `${dir}/*.ndjson`, message: `${orphans.length} line(s) name no patient and were not used` })
  return { items, errors }
}

export function corpusItems (root: string): { items: CorpusItem[], errors: Array<{ label: string, message: string }> } {
  const files: string[] = []
  walk(root, files)
  const items: CorpusItem[] = []
  const errors: Array<{ label: string, message: string }> = []
  for (const file of files.filter((f) => f.endsWith('.json'))) {
    items.push({ label: relative(root, file), load: () => JSON.parse(readFileSync(file, 'utf8')) as unknown })
  }
  const ndjsonDirs = new Map<string, string[]>()
  for (const file of files.filter((f) => f.endsWith('.ndjson'))) {
    const dir = join(file, '..')
    ndjsonDirs.set(dir, [...(ndjsonDirs.get(dir) ?? []), file])
  }
  for (const group of ndjsonDirs.values()) {
    const g = groupNdjson(group, root)
    items.push(...g.items)
    errors.push(...g.errors)
  }
  return { items, errors }
}
