// Structural mutations of valid JSON requests for fuzzing: dropped, duplicated and retyped
// members, deep nesting, huge strings, invalid dates and codes, dangling references, unknown
// resource types and thousands of entries.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
export type Path = Array<string | number>

export function paths (value: Json, limit = 4000): Path[] {
  const out: Path[] = []
  const walk = (v: Json, p: Path): void => {
    if (out.length >= limit) return
    out.push(p)
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]))
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k])
  }
  walk(value, [])
  return out
}

function deep (levels: number): Json {
  let v: Json = { resourceType: 'Observation' }
  for (let i = 0; i < levels; i++) v = { nested: [v] }
  return v
}

export const REPLACEMENTS: Json[] = [
  null, 0, -1, 1.7e308, true, '', 'x'.repeat(200_000), [], {}, 'Patient/../../etc/passwd',
  '2024-13-45', 'not-a-date', '0000-00-00T99:99:99Z', { resourceType: 'Frobnicator', id: 'x' },
  { reference: 'Patient/does-not-exist' }, { coding: [{ system: 12, code: { a: 1 } }] },
  { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'OperationOutcome', issue: [{ severity: 'fatal' }] } }] },
  deep(300), '__proto__', { constructor: { name: 'x' } }
]

export type Mutation = 'delete' | 'replace' | 'duplicate' | 'explode'

function parentOf (
  root: Json,
  path: Path
): { parent: Json[] | Record<string, Json>, key: string | number } | undefined {
  if (path.length === 0) return undefined
  let cur: Json = root
  for (const k of path.slice(0, -1)) cur = (cur as Record<string, Json>)[k as string] as Json
  return { parent: cur as Json[] | Record<string, Json>, key: path[path.length - 1] as string | number }
}

/** Applies one mutation in place to a clone and returns it. */
export function mutate (input: Json, pathIndex: number, kind: Mutation, pick: number): Json {
  const root = structuredClone(input)
  const all = paths(root)
  const path = all[pathIndex % all.length] as Path
  const where = parentOf(root, path)
  if (where === undefined) return REPLACEMENTS[pick % REPLACEMENTS.length] as Json
  const { parent, key } = where
  const current = (parent as Record<string | number, Json>)[key] as Json
  switch (kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1); else delete parent[key as string]
      break
    case 'replace':
      (parent as Record<string | number, Json>)[key] = structuredClone(REPLACEMENTS[pick % REPLACEMENTS.length] as Json)
      break
    case 'duplicate':
      if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(current))
      else (parent as Record<string, Json>)[`${String(key)}_dup`] = structuredClone(current)
      break
    case 'explode':
      if (Array.isArray(current) && current.length > 0) {
        const copies = Array.from({ length: 3000 }, (_v, i) => structuredClone(current[i % current.length] as Json))
        ;(parent as Record<string | number, Json>)[key] = copies
      } else {
        (parent as Record<string | number, Json>)[key] = Array.from({ length: 3000 }, () => structuredClone(current))
      }
      break
  }
  return root
}
